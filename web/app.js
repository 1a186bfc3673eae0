// The verification page: it reads PROOF.json (and optionally another
// model's vk.bin and settings.json) from files the person drops or picks,
// and checks the proof with the zkinfer package beside it. The model's
// export (vk.bin, settings.json) is fetched from the page's own directory;
// the page makes no other requests (its Content-Security-Policy allows
// only its own origin).
import { verify } from "./zkinfer/index.js";

const $ = (id) => document.getElementById(id);
const state = { vk: null, settings: null, proof: null, modelName: "" };

function describeModel() {
  if (!state.vk || !state.settings) {
    $("model").textContent = "No model loaded: drop its vk.bin and settings.json (zkinfer export-web DIR --out DIR2 writes them).";
    return;
  }
  let s = {};
  try { s = JSON.parse(state.settings); } catch { /* the verifier says why */ }
  const sha = typeof s.model_sha256 === "string" ? s.model_sha256.slice(0, 16) + "…" : "?";
  $("model").textContent = `Model: sha256 ${sha}, ${s.backend ?? "?"} (${state.modelName}). Ready for a proof.`;
}

function show(result, ms) {
  const ok = result.valid === true;
  $("result").hidden = false;
  $("result").className = ok ? "valid" : "invalid";
  $("verdict").textContent = ok ? "verified" : "not verified";
  $("statement").textContent = ok ? result.statement : "";
  $("reason").textContent = ok ? "" : result.reason;
  $("outputs").textContent = ok && result.outputs ? "outputs: " + JSON.stringify(result.outputs) : "";
  $("warnings").replaceChildren(...(ok && result.warnings ? result.warnings : []).map((w) => {
    const li = document.createElement("li");
    li.textContent = "warning: " + w;
    return li;
  }));
  $("timing").textContent = `checked in ${ms.toFixed(1)} ms`;
  document.body.dataset.verifyMs = ms.toFixed(3);
  document.body.dataset.state = ok ? "verified" : "invalid";
}

async function check() {
  if (!state.proof) return;
  if (!state.vk || !state.settings) {
    show({ valid: false, reason: "no model to check against: drop its vk.bin and settings.json too" }, 0);
    return;
  }
  document.body.dataset.state = "checking";
  const start = performance.now();
  let result;
  try {
    result = await verify(state.vk, state.settings, state.proof);
  } catch (e) {
    result = { valid: false, reason: String(e && e.message ? e.message : e) };
  }
  show(result, performance.now() - start);
}

async function take(files) {
  for (const f of files) {
    const buf = new Uint8Array(await f.arrayBuffer());
    if (f.name.endsWith(".bin")) {
      state.vk = buf;
      state.modelName = f.name;
      continue;
    }
    const text = new TextDecoder().decode(buf);
    let doc = null;
    try { doc = JSON.parse(text); } catch { /* not JSON: treat it as a proof, the verifier says why */ }
    if (doc && typeof doc === "object" && !("protocol" in doc) && "circuit_sha256" in doc) {
      state.settings = text;
    } else {
      state.proof = text;
    }
  }
  describeModel();
  await check();
}

async function fetchOwn(name, kind) {
  const r = await fetch(name);
  if (!r.ok) return null;
  return kind === "bytes" ? new Uint8Array(await r.arrayBuffer()) : r.text();
}

async function start() {
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    take([...e.dataTransfer.files]);
  });
  $("files").addEventListener("change", (e) => take([...e.target.files]));
  try {
    state.vk = await fetchOwn("vk.bin", "bytes");
    state.settings = await fetchOwn("settings.json", "text");
    state.modelName = "this page's export";
  } catch { /* opened without a server: the person drops the files */ }
  describeModel();
  // Load the wasm now, so that the first check is as fast as the next.
  await verify(new Uint8Array(0), "{}", "{}").catch(() => {});
  document.body.dataset.state = "ready";
}

start();
