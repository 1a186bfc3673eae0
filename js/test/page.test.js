// The page (web/, as zkinfer export-web writes it) in headless Chromium
// (Debian's chromium, driven by puppeteer-core over the DevTools
// protocol): a valid proof, a tampered one and a proof for another model
// dropped on the page, what it shows checked against the verifier's
// answer, a screenshot of each kept under ZKINFER_WEBTEST, and every
// request the page makes checked to be for its own files.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { test } from "node:test";

import { verify } from "../index.js";
import { dir, exported, skip as noFixtures, tamperings } from "./fixtures.js";

const chromium = process.env.CHROMIUM ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
let puppeteer = null;
try {
  puppeteer = (await import("puppeteer-core")).default;
} catch {
  // reported by skip below
}
const skip = noFixtures || (!chromium && "no chromium (apt-get install chromium; or set CHROMIUM)") ||
  (!puppeteer && "no puppeteer-core (npm ci in js/)");

const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".bin": "application/octet-stream" };

// serve serves root on 127.0.0.1 and resolves to its origin.
function serve(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(root, path.endsWith("/") ? path + "index.html" : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

test("the page in headless Chromium", { skip, timeout: 180_000 }, async (t) => {
  const { server, origin } = await serve(join(dir, "groth16.web"));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  t.after(async () => {
    await browser.close();
    server.close();
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 700 });
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}/index.html`);
  await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 });

  const tmp = join(dir, "page-proofs");
  mkdirSync(tmp, { recursive: true });
  const g = exported("groth16");
  const all = tamperings("groth16");
  const cases = [
    ["valid", all.find(([w]) => w === "valid")[1], [join(dir, "groth16.proof.json")]],
    ["tampered", all.find(([w]) => w === "an edited output")[1], null],
    ["another model", all.find(([w]) => w === "another model's proof")[1], [join(dir, "other.proof.json")]],
    // Another model's export dropped with its proof: the PLONK one.
    ["plonk export", readFileSync(join(dir, "plonk.proof.json"), "utf8"), [join(dir, "plonk.web", "vk.bin"), join(dir, "plonk.web", "settings.json"), join(dir, "plonk.proof.json")]],
  ];
  for (const [what, text, files] of cases) {
    await t.test(what, async () => {
      let paths = files;
      if (!paths) {
        paths = [join(tmp, `${what}.json`)];
        writeFileSync(paths[0], text);
      }
      await page.evaluate(() => { document.body.dataset.state = "ready"; });
      const input = await page.$("#files");
      await input.uploadFile(...paths);
      await page.waitForSelector("body[data-state=verified], body[data-state=invalid]", { timeout: 60_000 });
      const shown = await page.evaluate(() => ({
        verdict: document.getElementById("verdict").textContent,
        statement: document.getElementById("statement").textContent,
        reason: document.getElementById("reason").textContent,
      }));
      const model = what === "plonk export" ? exported("plonk") : g;
      const want = await verify(model.vk, model.settings, text);
      const shot = join(dir, `page-${what.replaceAll(" ", "-")}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
      assert.equal(shown.verdict, want.valid ? "verified" : "not verified", JSON.stringify(shown));
      assert.equal(shown.statement, want.valid ? want.statement : "");
      assert.equal(shown.reason, want.valid ? "" : want.reason);
      assert.equal(want.valid, what === "valid" || what === "plonk export");
    });
  }

  await t.test("verification time (measured, not asserted)", async () => {
    const proof = readFileSync(join(dir, "groth16.proof.json"), "utf8");
    const times = await page.evaluate(async (proof) => {
      const { verify } = await import("./zkinfer/index.js");
      const vk = new Uint8Array(await (await fetch("vk.bin")).arrayBuffer());
      const settings = await (await fetch("settings.json")).text();
      const out = [];
      for (let i = 0; i < 9; i++) {
        const start = performance.now();
        const r = await verify(vk, settings, proof);
        out.push(performance.now() - start);
        if (!r.valid) throw new Error(r.reason);
      }
      return out;
    }, proof);
    const first = times[0];
    const sorted = times.slice(1).sort((a, b) => a - b);
    t.diagnostic(`groth16 verify in Chromium: first ${first.toFixed(1)} ms, then median ${sorted[4].toFixed(1)} ms, fastest ${sorted[0].toFixed(1)} ms`);
  });

  await t.test("no request beyond the page's own files, no error", () => {
    const foreign = requests.filter((u) => !u.startsWith(origin + "/"));
    assert.deepEqual(foreign, []);
    assert.deepEqual(errors, []);
  });
});
