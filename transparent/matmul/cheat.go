package matmul

// zkCheat is the soundness tests' cheating prover under vanishing masks
// (zero outside tests): fixTail shifts the output tail's row so that a false
// claim's sum holds (caught only by the mask claim on Y); forgeEq moves the
// bias term's eq table so that it does (caught only by the eq check). The
// edits are package transparent/internal/cheat's.
var zkCheat struct{ fixTail, forgeEq bool }
