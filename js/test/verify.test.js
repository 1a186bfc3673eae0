// The npm package in Node: every proof of the test set, valid and
// tampered, of each backend, checked by the WebAssembly verifier and by
// `zkinfer verify`, which must agree: the same verdict, the same statement,
// the same one-line reason.
import assert from "node:assert/strict";
import { test } from "node:test";

import { verify } from "../index.js";
import { bin, cli, exported, models, skip, tamperings } from "./fixtures.js";

for (const { name, options } of models) {
  test(`${name}: valid and tampered proofs, as zkinfer verify says`, { skip }, async (t) => {
    const { vk, settings } = exported(name);
    for (const [what, text] of tamperings(name)) {
      await t.test(what, async () => {
        const got = await verify(vk, settings, text, options);
        assert.equal(got.valid, what === "valid", `${what}: ${JSON.stringify(got)}`);
        if (got.valid) {
          assert.match(got.statement, /ran on a private input that stays secret/);
          assert.match(got.verifyingKeySHA256, /^[0-9a-f]{64}$/);
        } else {
          assert.ok(got.reason && !got.reason.includes("\n"), `reason ${JSON.stringify(got.reason)} is not one line`);
        }
        if (!bin) return;
        const want = cli(name, text, options);
        assert.equal(got.valid, want.valid, `zkinfer verify: ${want.err || want.out}`);
        if (got.valid) {
          assert.equal(want.out, `verified: ${got.statement} (verifying key sha256 ${got.verifyingKeySHA256})\n`);
          assert.equal(want.err, (got.warnings ?? []).map((w) => `zkinfer verify: warning: ${w}\n`).join(""));
        } else {
          assert.ok(want.err.includes(`INVALID: ${got.reason}\n`), `zkinfer verify said ${JSON.stringify(want.err)}, the wasm ${JSON.stringify(got.reason)}`);
        }
      });
    }
  });
}

test("expectations: a context, a claim and a key hash the proof does not carry", { skip }, async () => {
  const { vk, settings } = exported("claim");
  const text = tamperings("claim")[0][1];
  const cases = [
    [{}, true],
    [{ context: "0x0102030405", claim: "output[0] >= 0.7" }, true],
    [{ context: "0x06" }, false],
    [{ claim: "output[0] >= 0.8" }, false],
    [{ verifyingKeySHA256: "00".repeat(32) }, false],
    [{ context: "not hex" }, false],
  ];
  for (const [options, valid] of cases) {
    const got = await verify(vk, settings, text, options);
    assert.equal(got.valid, valid, `${JSON.stringify(options)}: ${JSON.stringify(got)}`);
  }
});

test("settings and keys that are not the model's", { skip }, async () => {
  const g = exported("groth16");
  const proof = tamperings("groth16")[0][1];
  const s = JSON.parse(g.settings);
  const cases = [
    ["another model's key", exported("other").vk, g.settings, /another model's key|not valid/],
    ["a truncated key", g.vk.subarray(0, 100), g.settings, /verifying key is corrupt/],
    ["settings that are not JSON", g.vk, "{", /settings.json is corrupt/],
    ["settings of another version", g.vk, JSON.stringify({ ...s, version: 1 }), /format version 1/],
    ["settings with another public input count", g.vk, JSON.stringify({ ...s, public_inputs: 7 }), /public_inputs is 7/],
  ];
  for (const [what, vk, settings, reason] of cases) {
    const got = await verify(vk, settings, proof);
    assert.equal(got.valid, false, what);
    assert.match(got.reason, reason, what);
  }
});

test("verification time in Node (measured, not asserted)", { skip }, async (t) => {
  for (const { name, options } of models) {
    const { vk, settings } = exported(name);
    const text = tamperings(name)[0][1];
    const times = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      const got = await verify(vk, settings, text, options);
      times.push(performance.now() - start);
      assert.ok(got.valid);
    }
    times.sort((a, b) => a - b);
    t.diagnostic(`${name}: verify takes ${times[3].toFixed(1)} ms (median of 7; fastest ${times[0].toFixed(1)} ms) in Node ${process.version}`);
  }
});
