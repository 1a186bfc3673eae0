/** What verify resolves to. */
export interface VerifyResult {
  /** True only when every check of `zkinfer verify` passed. */
  valid: boolean;
  /** What a valid proof established and what stayed secret, in plain words (as `zkinfer verify` prints it). */
  statement?: string;
  /** A valid proof's public outputs, dequantized, one array per model output; absent when the circuit keeps them secret. */
  outputs?: number[][];
  /** The hex SHA-256 of the verifying key the proof was checked with. */
  verifyingKeySHA256?: string;
  /** What `zkinfer verify` warns of beside a valid proof: who could forge proofs under these keys (a single-party setup, a development SRS), secret weights checked against no commitment. */
  warnings?: string[];
  /** Why the proof (or the settings, or the key) was refused: one line. */
  reason?: string;
}

/** What a verifier may expect of a proof beyond its validity: `zkinfer verify`'s flags. */
export interface VerifyOptions {
  /** The weights' commitment the proof must carry (hashed weights; as `zkinfer commit` prints it). */
  modelCommitment?: string;
  /** The input's commitment the proof must carry (hashed inputs). */
  inputCommitment?: string;
  /** The claim the circuit must prove, e.g. "output[0] >= 0.7". */
  claim?: string;
  /** Hex bytes the proof must be bound to (as given to `zkinfer prove --context`). */
  context?: string;
  /** The SHA-256 the verifying key must have (hex). */
  verifyingKeySHA256?: string;
}

/**
 * Verifies a zkinfer proof file (PROOF.json) against a compiled model's
 * verifying key (vk.bin's bytes) and settings.json, as `zkinfer export-web`
 * writes them, with the same checks as `zkinfer verify` and what options
 * expects.
 */
export function verify(
  verifyingKey: Uint8Array | ArrayBuffer | ArrayBufferView,
  settings: string | Uint8Array | ArrayBuffer | object,
  proof: string | Uint8Array | ArrayBuffer | object,
  options?: VerifyOptions,
): Promise<VerifyResult>;
