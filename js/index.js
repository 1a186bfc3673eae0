// zkinfer's verifier for browsers and Node: the Go verifier that `zkinfer
// verify` runs (package proof/verifier), compiled to WebAssembly
// (cmd/zkinfer-wasm) and started here with Go's wasm_exec.js. Nothing is
// reimplemented in JavaScript: this module only loads the wasm once and
// passes bytes and text to it.

let ready = null;

// load starts the Go program, which registers globalThis.zkinferVerify and
// then waits for calls.
async function load() {
  if (typeof globalThis.Go !== "function") {
    await import("./dist/wasm_exec.js");
  }
  const go = new globalThis.Go();
  const url = new URL("./dist/zkinfer.wasm", import.meta.url);
  let result;
  if (url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    result = await WebAssembly.instantiate(await readFile(url), go.importObject);
  } else {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`zkinfer: ${url} answered ${response.status}`);
    }
    result = await WebAssembly.instantiate(await response.arrayBuffer(), go.importObject);
  }
  go.run(result.instance); // returns once main blocks, with zkinferVerify set
  if (typeof globalThis.zkinferVerify !== "function") {
    throw new Error("zkinfer: the WebAssembly verifier did not start");
  }
  return globalThis.zkinferVerify;
}

function bytes(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError("zkinfer: the verifying key must be a Uint8Array or an ArrayBuffer (vk.bin's bytes)");
}

function text(v, what) {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return new TextDecoder().decode(v);
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  throw new TypeError(`zkinfer: ${what} must be JSON text, bytes or a parsed object`);
}

/**
 * Verifies a zkinfer proof file against a compiled model's verifying key
 * (vk.bin) and settings.json, with the same checks as `zkinfer verify`,
 * and what options expects (modelCommitment, inputCommitment, claim,
 * context, verifyingKeySHA256: verify's flags). Resolves to { valid,
 * statement, outputs, verifyingKeySHA256 } or { valid: false, reason }.
 */
export async function verify(verifyingKey, settings, proof, options = {}) {
  ready ??= load();
  const run = await ready;
  return JSON.parse(run(bytes(verifyingKey), text(settings, "settings"), text(proof, "the proof"), JSON.stringify(options)));
}
