// Package calibrate chooses a model's number format from data and reports
// what that choice costs in accuracy.
//
// # The method
//
// A fixed-point model trades accuracy for constraints: a finer --scale
// resolves values better but makes every activation wider, and every
// activation is range-checked to --act-bits, so wider values cost more
// constraints (bit decomposition) and may not fit at all. [Calibrate] runs
// the model on calibration samples, twice per candidate format: with the
// float reference and with the integer evaluator that the circuit proves
// (model.Model.EvalFloat and model.Model.Eval). It proceeds in four steps:
//
//  1. Observe: the float reference runs on a copy of the graph in which
//     every tensor is an output, and records each tensor's largest
//     magnitude over the samples ([Observe]).
//  2. Size: for each scale s (ascending), --act-bits is the fewest signed
//     bits that hold every observed float tensor at its scale, times
//     2^margin: the headroom for inputs beyond the calibration range
//     ([Options.Margin], one bit by default: values up to twice the
//     largest seen). A value that still leaves its range in the integer
//     evaluator (an intermediate the float run does not show) adds a bit.
//  3. Measure: the fixed-point outputs are compared with the float ones on
//     every sample ([Measure]): class agreement and the relative error.
//     The first scale meeting the target is kept, then its --param-scale
//     is lowered while the target still holds.
//  4. Count: the circuits of the candidates that meet the target, and of
//     the default settings when they meet it too, are built, and the one
//     with the fewest constraints wins (ties: the smaller error). So
//     calibration never picks more constraints than the defaults when the
//     defaults meet the target.
//
// # Targets
//
// The relative error of an output on a sample is max|fixed − float| over
// its values divided by max(1, max|float|): absolute below 1, relative
// above, the measure the corpus tests use against onnxruntime. The class
// of an output is its argmax when it has several values, its value when it
// is an integer tensor (a label); a single float value has no class.
//
//   - [Accuracy]: the same class as float on every sample, and a relative
//     error of at most 0.1% on every sample.
//   - [Balanced] (the default): the same class on at least 99.9% of the
//     samples, and at most 1%.
//   - [Resources]: the fewest constraints with at least 99% class agreement
//     (and at most 10% error, so that a model without classes is not
//     reduced to noise); it also picks the range-check gadget (lookup or
//     bits) with fewer constraints, where the others keep compile's auto.
//
// When no candidate meets the target, the one closest to it (the best
// agreement, then the smallest error) is returned with Result.Met false.
//
// # Files
//
// The calibration data is EZKL's layout, {"input_data": [...]}, one flat
// list per model input holding one or more samples back to back ([Split]).
// The settings file ([File]) keeps the chosen format under the same keys as
// a compiled directory's settings.json ("quant", "range_check"), so that
// `zkinfer compile --settings` reads either.
package calibrate
