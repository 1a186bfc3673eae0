// The proofs scripts/webtest.sh makes (ZKINFER_WEBTEST), their tampered
// copies, and `zkinfer verify` (ZKINFER_BIN) to compare with.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const dir = process.env.ZKINFER_WEBTEST;
export const bin = process.env.ZKINFER_BIN;
export const skip = dir ? false : "no fixtures: run make web-test (scripts/webtest.sh sets ZKINFER_WEBTEST)";

// The exported models: name, and the options verify is called with.
export const models = [
  { name: "groth16", options: {} },
  { name: "plonk", options: {} },
  { name: "claim", options: { context: "0x0102030405" } },
];

export function exported(name) {
  return {
    vk: readFileSync(join(dir, `${name}.web`, "vk.bin")),
    settings: readFileSync(join(dir, `${name}.web`, "settings.json"), "utf8"),
  };
}

export function proofText(name) {
  return readFileSync(join(dir, `${name}.proof.json`), "utf8");
}

const flip = (hex, i) => hex.slice(0, i) + ((parseInt(hex[i], 16) ^ 1).toString(16)) + hex.slice(i + 1);

// tamperings returns the proof of model name and edited copies of it:
// each [case, proof JSON text].
export function tamperings(name) {
  const text = proofText(name);
  const edit = (f) => {
    const p = JSON.parse(text);
    f(p);
    return JSON.stringify(p, null, 2);
  };
  const cases = [
    ["valid", text],
    ["a flipped proof byte", edit((p) => { p.proof = flip(p.proof, Math.floor(p.proof.length / 3)); })],
    ["a flipped last proof byte", edit((p) => { p.proof = flip(p.proof, p.proof.length - 1); })],
    ["an edited public input", edit((p) => { const i = p.public_inputs.length - 1; p.public_inputs[i] = flip(p.public_inputs[i], 65); })],
    ["another model's proof", proofText("other")],
    ["another backend's proof", proofText(name === "plonk" ? "groth16" : "plonk")],
  ];
  const p = JSON.parse(text);
  if (p.outputs) {
    cases.push(["an edited output", edit((q) => { q.outputs[0][0] += 0.25; })]);
  }
  if (p.claim) {
    cases.push(["another claim", edit((q) => { q.claim = "output[0] >= 0.1"; })]);
    cases.push(["a removed context", edit((q) => { delete q.context; })]);
    cases.push(["an edited commitment", edit((q) => { q.commitments.params = flip(q.commitments.params, 10); })]);
  }
  return cases;
}

// cli runs `zkinfer verify` on a proof's text: { valid, out, err }.
export function cli(name, text, options) {
  const file = join(mkdtempSync(join(tmpdir(), "zkinfer-webtest-")), "proof.json");
  writeFileSync(file, text);
  const args = ["verify", join(dir, name), "--proof", file];
  if (options.context) args.push("--context", options.context);
  const r = spawnSync(bin, args, { encoding: "utf8" });
  if (r.error) throw r.error;
  return { valid: r.status === 0, out: r.stdout, err: r.stderr };
}
