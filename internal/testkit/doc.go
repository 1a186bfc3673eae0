// Package testkit holds the helpers that tests of several packages share:
//
//   - finding EZKL's example models, the corpus that many tests prove
//     (Corpus, CorpusModel, CorpusInput, LookupCorpusModel, ModelsFromEnv);
//   - checking that errors are one line, as every error of zkinfer is
//     (CheckOneLine, CheckError), and that a fuzz input is handled quickly
//     (CheckFast);
//   - a copy of a model with other weights (OtherWeights) and the index a
//     model's argmax claim names (Argmax).
//
// # The corpus
//
// The corpus is $ZKINFER_CORPUS_DIR or, without it, shared/corpus/ezkl in
// the folder that holds the repository (../shared/corpus/ezkl seen from the
// module root), where CI keeps it. A relative ZKINFER_CORPUS_DIR is read
// from the module root, so one setting serves the tests of every package.
// A test that needs a corpus model skips, saying where it looked, when the
// model is absent.
//
// # Imports
//
// testkit imports onnx and model, never circuit or proof, so that the
// tests inside circuit and proof (package circuit, package proof) can use
// it; the tests inside onnx and model cannot, and need none of it.
package testkit
