// Package model compiles a graph into a fixed-point program: every node's
// shapes, scales and value bounds are inferred, constants are folded, and
// what remains is a list of steps that one generic executor, [Run], runs
// on any Arith (float reference, integer evaluator, circuit).
//
// # Compiling
//
// [Compile] visits the nodes in graph order. Each node's operator comes
// from the ops registry ([ops.LookupDomain]; the ai.onnx.ml operators
// register themselves when this package imports ops/ml); its Infer sees
// the inputs' [ops.Info] and returns the outputs' and a plan. A node whose
// inputs are all constants is folded with the float reference and its
// outputs become constants; any other node becomes a step. A bound beyond
// [quant.MaxBound] (2^62) anywhere, in an output or an intermediate, is an
// error naming the node, so the int64 evaluator cannot overflow and no
// circuit value can wrap around the field.
//
// An operator may declare that it can be absorbed by the step computing
// its input ([ops.Op.FuseInto]): when that step is the input's only reader
// and its plan takes the operator over, the node compiles to Identity. A
// ReLU after a rescaled product is fused this way into the rescale, one
// range check fewer per value.
//
// # Secret parameters
//
// [CompileSecret] compiles a model whose weights are not part of the
// circuit: each weight initializer becomes a dynamic input (Info.Const ==
// nil) that the witness supplies, so the constraint system depends on the
// architecture only and anyone can run setup without the weights.
//
// What is a weight is what the operators declare ([ops.Op.Weights], see
// "Secret weights" in the ops documentation); [DefaultParamBits] bounds
// its values:
//   - a float initializer read at an operand position declared
//     [ops.AnyWeight] (Gemm's A, B, C; MatMul's operands; Conv's and
//     ConvTranspose's W and bias), whatever its size;
//   - a float initializer with at least 2 elements read at a position
//     declared [ops.VectorWeight] (Add, Sub, Mul: per-channel scales and
//     shifts);
//   - a float initializer read at a position declared [ops.PassWeight] (the
//     data input of an op that only moves elements: Reshape, Transpose,
//     Flatten, Squeeze, Unsqueeze, Identity, Expand, Tile, Slice) whose
//     single output is itself used only as above;
//   - a float initializer qualifies only when every use of it qualifies.
//
// Everything else stays fixed in the circuit and public: integer tensors
// (shapes, axes, indices), scalar constants of element-wise ops, and
// constants read by ops that need compile-time values (e.g. Clip bounds,
// BatchNormalization statistics). [Model.FixedConstants] lists the float
// ones so that the settings can disclose them.
//
// An operator whose kernel takes part of a declared operand only as a
// constant rewrites its node ([ops.Op.SecretRewrite]): a Gemm's, Conv's or
// ConvTranspose's bias that is a weight is moved into an Add after the
// product, and Gemm's alpha and beta are folded into the weights. The
// derived weights are named after the original with a suffix ("·alpha",
// "·beta", "·bias"); [SecretInitializers] names the initializers they come from.
package model
