// Package ops defines zkinfer's operators. Each operator is written once,
// generically, against [Arith]: the same code computes the float reference
// (Arith[float64]), the fixed-point integer evaluator that backs `run` and
// witness generation (Arith[int64]), and the gnark circuit
// (Arith[frontend.Variable]). The arithmetic primitives that need hints
// (rescale, ReLU) keep their integer semantics next to their gadget, so the
// evaluator and the circuit cannot drift apart.
//
// # Proof systems and the field
//
// The circuits are gnark constraint systems over the scalar field of BN254
// (p ≈ 2^254): rank-1 constraints for Groth16 ([Groth 2016]) and PLONK's
// gates for its universal setup ([Gabizon, Williamson and Ciobotaru 2019]).
// In R1CS a linear combination of
// variables is free and a product of two variables costs one constraint,
// so the kernels keep everything they can linear: products by constants
// ([Arith.Lin]), sums, and data movement cost nothing.
//
// Every value is a field element, and integer arithmetic is faithful only
// while no value wraps around p. Compile bounds every tensor and every
// intermediate by [quant.MaxBound] = 2^62 ([Info.Max],
// [Context.CheckBound]) and refuses a node whose bound is larger, naming
// it, so every value fits an int64 and lies far below p; a gadget whose
// checks would not fit the field panics, which frontend.Compile reports as
// an error. Every hint a gadget takes from the prover is pinned by
// constraints: a wrong hint leaves the circuit unsatisfiable.
//
// # Fixed-point numbers
//
// A real x is the integer q = round(x·2^s) at scale s (package quant).
// [Info.Scale] tracks each tensor's scale and [Info.Max] bounds |q|.
// Inputs and activations are at Settings.Scale and range-checked to
// ActBits signed bits; constant weights are quantized at ParamScale, or at
// the smallest scale that holds them exactly ([Context.ExactParams]), so
// that integer and dyadic constants need little or no rescaling. A product
// is at the sum of its operands' scales; [Context.Requant] plans the way
// back to the activation scale (see Rescaling) or a free upscale when the
// product is coarser. Every operator below states its error in real units,
// typically half an output unit 2^-(Scale+1) per rounding plus the
// rounding of its constants, |x|·2^-(ParamScale+1).
//
// # One kernel, three Ariths
//
// An operator registers an [Op]: Infer runs at compile time on the
// inputs' [Info] (shape, dtype, scale, bound, and the value when it is a
// constant) and returns the outputs' Info and a plan, any value its kernel
// reads; the kernels are one generic function instantiated for
// [FloatArith] (constant folding, the float reference), [IntArith] (the
// evaluator: exactly what the circuit proves) and [CircuitArith] (the
// constraints). Constant inputs reach a kernel materialized at their
// Info's scale ([Materialize]); an op that wants its weights as free
// linear coefficients quantizes them into its plan instead. The integer
// evaluator catches overflow twice: by the compile-time bounds above, and
// by checking every operation that can grow a value, so an int64 never
// wraps silently.
//
// # Rescaling
//
// Rescale divides by a power of two, rounding half up:
// q = floor((a + 2^(shift-1)) / 2^shift), that is a/2^shift rounded to the
// nearest integer with ties toward +∞. The circuit proves it with a hinted
// quotient q:
//
//	r = a + 2^(shift-1) − q·2^shift ∈ [0, 2^shift),   -2^(bits-1) ≤ q < 2^(bits-1)
//
// r is a linear combination, not a wire: its range check is the division
// equation and the remainder's bound at once (for a sum of more than 64
// terms r is a hinted wire and the equation one constraint, so that the
// sum's terms are not repeated in the lookup argument). Both bounds are
// range-checked, so |q·2^shift + r| stays far below the field size and
// (q, r) is the unique integer solution: a wrong quotient makes the
// circuit unsatisfiable.
//
// RescaleRelu is max(q, 0) for the rescaled q, with |q| < 2^(bits-1). The
// circuit proves the division as Rescale does, then the sign of q (see
// below) with a range check on bits-1 bits, which bounds q as well: a ReLU
// after a rescale costs no range check of its own, which is why compile
// fuses a ReLU into the plan before it ([Op.FuseInto]). Cost per element
// with lookup range checks: one lookup for r (shift ≤ L, the limb width),
// two for the sign's check, a bit and a product: 5 constraints. With bit
// decomposition the remainder, the quotient's range and its sign are the
// digits of one decomposition of a + 2^(shift-1) + 2^(shift+bits-1), the
// sign its top digit: shift+bits+2 constraints (38 at the defaults,
// against 39, or 40 for a sum of more than 64 terms, as two checks, a
// sign bit and a product). A bit-decomposed rescale of a long sum has no
// remainder wire either: the decomposition's sum is one constraint
// however long.
//
// A max pool reading a rescaled value takes the rescale (and its fused
// ReLU) over ([RequantTaker], [Context.Producer]): [Arith.MaxRescaled]
// rescales every value of a window without bounding its quotient, proves
// the maximum m of the quotients with m − q_i ∈ [0, 2^bits) and
// Π(m − q_i) = 0, and bounds only m (by its ReLU's sign check). m bounds
// every q_i in turn, so each quotient is still the unique one, and
// max and ReLU commute with the nondecreasing rescale, so the result is
// exactly the unfused pool's (see maxpool.go).
//
// # Signs, ReLU and range checks
//
// ReLU is max(a, 0). The circuit takes a hinted sign bit s (1 when a ≥ 0),
// and proves it with a range check on a + (1-s)·2^bits ∈ [0, 2^bits),
// which is a for s = 1 and a + 2^bits for s = 0: a wrong sign puts it
// below 0 (it wraps to a huge field element) or at 2^bits and beyond, and
// it fails the check. The sign is unique at a = 0 too, so Sign is a sound
// comparison (a ≥ b); ReLU is s·a, one product more.
//
// A range check asserts 0 ≤ v < 2^bits. Two gadgets implement it
// ([RangeChecker]): RangeLookup, [LogUpRange], cuts v into limbs looked
// up with a log-derivative argument ([Haböck 2022]) in tables sized to the
// circuit's checks: ⌈bits/L⌉ constraints for a check (v's own linear
// combination is the top limb, so no recomposition constraint), one per
// table row, and a Groth16 commitment for its challenge; RangeBits,
// [BitRange], writes v as bits boolean digits (bits+1 constraints, no
// commitment: the cheapest verifier on chain). As bits is far below the
// field size, neither can be satisfied by a wrapped value.
// [CircuitArith.CheckSigned] shifts a signed range onto [0, 2^bits).
//
// # Lookups
//
// A [Table] tabulates a real function f on the grid x = i/2^InScale,
// Lo ≤ i ≤ Hi, at OutScale:
//
//	Vals[i-Lo] = round(f(i/2^InScale)·2^OutScale)
//
// The evaluator indexes Vals and records an error for an input outside
// [Lo, Hi]; the circuit proves (x-Lo, y) is a row of the table with gnark's
// log-derivative lookup (std/lookup/logderivlookup, after
// [Haböck 2022]), which no out-of-range index satisfies, so an input
// outside the domain can never be proven to give any value. The float
// reference evaluates f itself.
//
// Cost: each table is committed once per circuit (about 3 constraints per
// entry, whatever the number of lookups), and each lookup costs about 3
// more. Tables are therefore kept small ([MaxTableEntries]) and shared: one
// Table per (function, scales, domain), and one gnark table per Table in a
// circuit.
//
// # Products of two secret operands: Freivalds' check
//
// Y = W·X for an M×K matrix W and a K×P matrix X costs M·K·P
// multiplication constraints when computed term by term. When W is reused
// across the P columns (a convolution as im2col: W is the Cout×(Cin·kernel)
// weight matrix, X holds one input patch per output position; a batched
// MatMul), the circuit instead takes Y from a hint and checks it with
// Freivalds' algorithm (Freivalds 1977 and 1979, see References): for a
// random r, with
// v = (1, r, r², …, r^(P-1)),
//
//	Y·v = W·(X·v)
//
// which costs K·P (X·v) + M·K (W·u) + M·P (Y·v) + P (the powers) products.
// r comes from gnark's commitment (std/multicommit, so it shares the single
// Groth16 commitment with the other gadgets that need randomness) to every
// wire of W, X and Y: the prover fixes all three before r is known.
//
// Soundness: if Y ≠ W·X over the field, some row m has D = Y - W·X with a
// nonzero row, and Σ_p D[m][p]·r^p is a nonzero polynomial of degree < P in
// r: it vanishes for at most P-1 of the ~2^254 values of r, so a wrong Y
// passes with probability below P/2^253. Field equality is integer
// equality here: W and X are range-checked upstream and compile bounds
// every entry of W·X below 2^62, so the exact integer product is the
// unique field element the check accepts, and the rescale that follows
// sees the same value as the int64 evaluator. [FreivaldsCost] decides
// which way is cheaper.
//
// # Division and square roots
//
// DivRound, for 1 ≤ d < 2^dbits, is
//
//	q = floor((2n + d) / (2d))   (n/d rounded to nearest, ties toward +∞)
//
// The circuit takes a hinted quotient q and remainder r and proves
//
//	2n + d = q·2d + r,  0 ≤ r < 2d,  1 ≤ d < 2^dbits,  -2^(qbits-1) ≤ q < 2^(qbits-1)
//
// with range checks on r, 2d-1-r, d-1 and q. With d ≥ 1 and r in [0, 2d)
// the integer solution is unique, and the bounds keep |q·2d + r| far below
// the field size, so a wrong quotient leaves the circuit unsatisfiable.
// Cost: 1 multiplication and 4 range checks (3 when d is a constant).
//
// Sqrt is y = floor(√a) for 0 ≤ a < 2^bits, proven from a hinted y with
// y ≥ 0, a - y² ≥ 0 and (y+1)² - 1 - a ≥ 0 (three range checks, one
// multiplication): y² ≤ a < (y+1)² has exactly one solution y ≥ 0.
//
// Div by a constant c multiplies by 1/c quantized at k = ParamScale +
// ⌈log2|c|⌉ (or the least exact scale, for dyadic 1/c), then rescales:
// |ours - x/c| ≤ 2^-(Scale+1) + |x/c|·2^-(ParamScale+1); no multiplication
// constraint, one rescale (2 range checks) per element.
//
// Div by a computed d: q = DivRound(σ·a·2^e, σ·d) with σ = 2·Sign(d) - 1 and
// e = Scale + scale(d) - scale(a), so q = a/d at the activation scale,
// rounded to nearest: |ours - a/d| ≤ 2^-(Scale+1) given the quantized
// operands. d = 0 is an error; so is a quotient beyond ActBits. Cost: a
// sign bit (1 range check), 3 multiplications and 4 range checks per
// element.
//
// Reciprocal is Div with a = 1. The Sqrt operator returns
// ⌊√(x·2^(2·Scale-s))⌋ at the activation scale: |ours - √x| ≤ 2^-Scale; a
// negative input is an error. Cost: 1 multiplication and 3 range checks
// per element.
//
// Integer Div (ONNX, as onnxruntime computes it) is the quotient truncated
// toward zero, trunc(n/d), an integer tensor at scale 0. The circuit takes
// the operands' signs (Sign), divides the magnitudes with the exact
// division gadget as ⌊|n|/|d|⌋ = DivRound(2|n| - |d|, 2|d|), and puts the
// sign back. |d| ≥ 1 is checked by DivRound, so division by zero is an
// error in the evaluator and unsatisfiable in the circuit. Cost: 2 signs,
// 4 multiplications and DivRound's range checks per element.
//
// Mod (ONNX, opset 10+) is the remainder of x by d, element-wise with
// broadcasting. fmod = 0 (the default, integers) takes the sign of the
// divisor, as Python's %: r = x − d·⌊x/d⌋. fmod = 1 takes the sign of the
// dividend, as C's fmod: r = x − d·trunc(x/d). ONNX requires fmod = 1 for
// floating-point inputs; both are accepted here for any type. Both
// operands are aligned to their finer scale s first, and
// (x·2^s) mod (d·2^s) = (x mod d)·2^s: the remainder is exact on the
// quantized operands, for reals as for integers, at scale s. (A real
// divisor that is not a multiple of 2^-s is rounded to one first.) The
// gadget, for sd = 2·Sign(d) − 1 (a constant when d is) and |d| = sd·d:
//
//	fmod = 0:  q = DivRound(2·sd·x − |d|, 2|d|) = ⌊sd·x/|d|⌋ = ⌊x/d⌋,  r = x − d·q
//	fmod = 1:  sx = 2·Sign(x) − 1,  q = DivRound(2|x| − |d|, 2|d|) = ⌊|x|/|d|⌋,
//	           r = sx·(|x| − |d|·q)
//
// DivRound(2n − e, 2e) = ⌊(4n − 2e + 2e)/4e⌋ = ⌊n/e⌋ for e ≥ 1, and its
// range checks pin q, so r is pinned. |d| ≥ 1 is DivRound's own check: a
// division by zero is an error of the evaluator and has no proof (ONNX
// leaves it undefined; onnxruntime's float fmod gives NaN). Sign(d) is
// unique for d ≠ 0; Sign(x) at x = 0 makes |x| = 0, q = 0 and r = 0 with
// either bit. Cost per element: 1–2 signs, 3–4 multiplications and a
// division (3–4 range checks); with a constant divisor 0 signs for
// fmod = 0, and the products by d are free.
//
// # Comparisons, Where, Max and Min
//
// Every comparison reduces to Sign on a difference of the operands aligned
// to a common scale. The difference's bound comes from the operands'
// Info.Max, so the Sign gadget's range check (bits+1 constraints or a
// lookup) is sound: a wrong hinted sign cannot satisfy it. Costs per
// element, each Sign range-checking bits+1 bits, bits the width of the
// difference:
//
//	GreaterOrEqual, LessOrEqual, Greater, Less  1 Sign
//	Equal                                       2 Sign + 1 Mul
//	Not                                         free (1 - x)
//	And, Or, Xor                                1 Mul
//	Where                                       1 Mul (free when x, y are constants)
//	Max, Min of n operands                      n-1 Relu
//
// Booleans are integers 0/1 at scale 0; the circuit asserts boolean inputs
// and every computed boolean here is 0/1 by construction.
//
// The Sign gadget accepts either bit for an input of exactly 0 (harmless
// for Relu, fatal for a ≥ b at a = b), so every comparison goes through
// geZero, which tests the odd integer 2d+1: never 0, so its sign bit is
// unique and a wrong hint always fails the range check.
//
// # ArgMax, ArgMin and TopK
//
// ArgMax/ArgMin scan each group keeping (best, index): take_j says element
// j replaces the best so far (x_j > best for the first index on ties,
// x_j ≥ best with select_last_index; reversed for ArgMin), and
// best += take·(x_j - best), index += take·(j - index).
// Cost: 1 Sign + 2 Mul per element.
//
// TopK ranks every element of a group of n: before(i, j) is one Sign per
// pair (x_i ≥ x_j for i < j, so ties keep the lower index first, as ONNX
// specifies), rank_i = Σ_j before(j, i), and output slot r takes
// Σ_i [rank_i = r]·x_i with [rank_i = r] from a one-hot of rank_i (see
// Gather and scatter). Cost per group: n(n-1)/2 + n² Sign and n·k Mul;
// indices are free. The output is always sorted.
//
// # Gather and scatter
//
// Gather, GatherElements, GatherND, ScatterElements, ScatterND and OneHot
// with constant indices are resolved at compile time into a pick of
// elements: free.
//
// Computed indices select through a one-hot vector. An index v into an
// axis of n entries is first wrapped (v + n when v < 0: 1 Sign), then
//
//	ge_j = [v - j ≥ 0]            j = 1..n-1   (n-1 Sign, via geZero)
//	eq_0 = 1 - ge_1, eq_j = ge_j - ge_{j+1}, eq_{n-1} = ge_{n-1}   (free)
//
// so exactly one eq_j is 1. An index still outside [0, n) after wrapping
// is clamped (ONNX leaves it an error; clamping keeps the evaluator and
// the circuit in agreement). GatherND/ScatterND flatten an index tuple
// (each component wrapped) into one index over the product of the indexed
// axes. A selected value is then Σ_j eq_j·x_j: n Mul per output element
// when x is computed, free when x is a constant. Scatter writes
// out = d + Σ_p eq_p·(u_p - d) over the updates p that may land on an
// element (1 Mul each); with duplicate targets (undefined in ONNX without
// a reduction) the result is that sum.
//
// Gather and GatherElements of a constant tensor with computed integer
// indices are table lookups instead when that is cheaper (indices at a
// scale s > 0 are first rescaled to integers, exact for the multiples of
// 2^s they hold: 1 rescale per index element): each distinct column
// x[base + j·step], j in [0, n), becomes a Table over the indices Info.Max
// allows, [-min(n, Max), min(n-1, Max)], negative entries holding the
// wrapped values. A lookup costs ~3 constraints and a table ~3 per entry
// once, against n-1 Sign per index for the one-hot. An index outside
// [-n, n) is then an error of the evaluator and has no table row in the
// circuit (see Lookups), as ONNX makes it an error.
//
// # Linear maps: Conv, ConvTranspose, pooling, reductions, Resize
//
// Conv and ConvTranspose with constant weights are a constant linear map:
// every output is one linear combination of input elements with constant
// coefficients (free in R1CS) followed by one Requant (one
// quotient/remainder pair and its range checks per output, or nothing
// when the weights are exact at a small scale). Their plan (convConstPlan)
// keeps the weights and a tap table (which input element each kernel
// position reads for each output position) and gathers each output's
// terms when it runs; its bound is computed per output channel and tap
// pattern from the weights, so describing a convolution costs its
// weights, not one term per output tap. Average pooling, ReduceSum and
// ReduceMean expand their map term by term (linMapPlan). Resize and Upsample are a
// free pick of input elements (nearest) or a constant linear map as well
// (linear: free sums, one Requant per output). With computed (secret)
// weights a convolution is one matrix product per group (im2col) through
// [Arith.MatMul], Freivalds' check where it pays. Sum aligns its operands
// to the finest scale among them (a free upscale), so it is one linear
// combination: free, and exact.
//
// Pooling windows are planned at compile time (the same geometry as Conv),
// and reductions group elements fixed at compile time, so every output is
// a fixed group of input elements:
//
//	MaxPool, GlobalMaxPool   tournament of Sign-based maxima: k-1 Relu per output of a k-element
//	                         window; after a rescale (a Conv, with or without its ReLU) the
//	                         pool takes the rescale over: MaxRescaled, per window k remainder
//	                         checks, k difference checks, k-1 products (the last one with its
//	                         zero assertion one constraint) and the maximum's bound; its ReLU
//	                         is one more candidate, 0: one product more, no sign bit
//	AveragePool,             a free sum, then an exact rounded division by the count (DivRound:
//	GlobalAveragePool        1 Mul + 3 range checks; a free shift for powers of two), then the
//	                         usual Requant. Error ≤ ½ LSB.
//	LpPool p=1               Σ|x|: 1 Relu per tap (|x| = 2·Relu(x) - x)
//	LpPool p=2               √Σx²: 1 Mul per tap, 1 Sqrt per output
//	ReduceSum                free (one linear combination per output) + Requant
//	ReduceMean               free sum, then an exact rounded division by the group size
//	                         (DivRound, or a shift for powers of two): ≤ ½ LSB
//	ReduceMax/Min            k-1 Relu per output of a k-element group (tournament)
//	ReduceL1                 1 Relu per element (|x| = 2·Relu(x) - x), free sum
//	ReduceSumSquare          1 Mul per element, free sum, Requant
//	ReduceL2                 as ReduceSumSquare, kept at 2·Scale, then 1 Sqrt per output
//	ReduceLogSumExp          m + log Σ exp(x_i - m) with m the group maximum (k-1 Relu), one exp
//	                         lookup per element and one log lookup per output, as LogSoftmax
//	ReduceLogSum             log Σ x_i: free sum, one log lookup per output
//
// Padding never enters a max (ONNX pads MaxPool with -∞); AveragePool
// counts padded taps only with count_include_pad.
//
// # Piecewise-linear activations
//
// Built from ReLU and linear maps, so they are exact up to the rounding of
// their constants:
//
//	LeakyRelu, PRelu  y = (1-α)·relu(x) + α·x        1 ReLU + 1 rescale
//	Clip              y = min(max(x, lo), hi)        1 ReLU per bound, exact
//	HardSigmoid       y = clip(α·x + β, 0, 1)        1 rescale + 2 ReLUs
//	HardSwish         y = x · HardSigmoid(x)         + 1 multiplication, 1 rescale
//	Abs               y = 2·relu(x) - x              1 ReLU, exact
//	Neg               y = -x                         free, exact
//	Sign              y = s(x) - s(-x) ∈ {-1,0,1}    2 sign bits, exact, scale 0
//
// Error: α, β are quantized at ParamScale (or exactly when dyadic), and
// each rescale rounds to half an output unit: |ours - f(x)| ≤
// 2^-(Scale+1)·2 + |x|·2^-(ParamScale+1) per element.
//
// # Table activations
//
// A function f is split as
//
//	f(x) = λ·relu(x) + g(x)
//
// where λ·relu(x) carries the part that grows without bound (softplus,
// elu, gelu grow like x) and g is looked up in a Table. The input goes to
// the table's grid scale t ≤ Scale first: a proven Rescale (round half up)
// when it is finer, a free upscale otherwise. The grid is as fine as the
// table budget allows: t is the largest scale ≤ Scale with at most
// 2^tableBits entries on the domain (2^16 for the functions flagged fine).
//
// Domains. A side where g is constant to within half an output unit
// (2^-(Scale+1)) is clamped: the argument is moved into the domain with two
// ReLUs (max(u, lo) = lo + relu(u-lo), min(u, hi) = hi - relu(hi-u)), so
// any input is valid there. Any other side is a hard edge: an input beyond
// it is an error of the evaluator, and the circuit's lookup cannot be
// satisfied for it. Every domain is stated where its op is registered.
//
// Error bound, per element, in real units:
//
//	|ours - f(x)| ≤ 2^-(Scale+1)            (table value rounding)
//	             + 2^-(t+1)·max|g'|          (argument rounded to the grid)
//	             + 2^-(Scale+1)              (saturation, clamped sides only)
//	             + 2^-(Scale+1) + |x|·2^-(ParamScale+1)·[λ ∉ 2^-k ℤ]   (λ·relu)
//
// The float reference is the same composition with real arithmetic, so it
// differs from f only by the saturation term.
//
// Constraints per element: a rescale (2 range checks) when t < Scale, one
// ReLU per clamped side (1 range check, 2 multiplications each), one
// lookup (~3), and one ReLU for λ ≠ 0 (plus a rescale when λ is not a
// power of two), on top of ~3 constraints per table entry once per
// circuit.
//
// The trigonometric functions are tables on bounded domains with hard
// edges (an input outside is an error), each a rescale and a lookup per
// element:
//
//	Sin, Cos    [-8, 8]       grid 2^-8: error ≤ 2^-9 + 2^-(Scale+1)
//	Tan         [-1.5, 1.5]   grid 2^-11: error ≤ 2^-12·(1+tan²x) + 2^-(Scale+1)
//	Asin, Acos  [-1, 1]       grid 2^-11: error ≤ 2^-12/√(1-x²) (steep at ±1)
//	Atan        [-16, 16]     grid 2^-7 (table budget): error ≤ 2^-8 + 2^-(Scale+1)
//
// Pow(x, p) needs one of its operands constant:
//
//   - p a positive integer ≤ 16: a chain of p-1 multiplications, each
//     rescaled back to the activation scale (1 multiplication and 2 range
//     checks per step; error ≤ 2^-(Scale+1) per step, amplified by the
//     later factors).
//   - p = 0: ones. p = 1: x. p = 0.5: Sqrt.
//   - any other p: a table of x^p, on the activation-scale grid [0, 16) for
//     p > 0 and [2^-Scale, 16) for p < 0; inputs outside are an error.
//   - a constant base b > 0 and a computed exponent x: the table of
//     b^x = e^(x·ln b), clamped where it rounds to 0 and a hard edge where
//     it would leave the activation range (see expTable).
//
// A computed exponent with a computed base is not supported.
//
// Softmax and LogSoftmax work along one axis (the opset-13 semantics; for
// the older opsets' default axis 1 on a 2-D input the two agree). Per
// slice of N elements:
//
//	m   = max x_i                     N-1 ReLUs: max(a, b) = b + relu(a-b)
//	d_i = x_i - m ≤ 0                 free
//	e_i = exp(d_i)                    exp table on [-(Scale+1)·ln2, 0], clamped below
//	s   = Σ e_i ≥ 2^Scale             free (the maximum contributes e^0 = 1)
//	Softmax:    y_i = DivRound(e_i·2^Scale, s)          exact division
//	LogSoftmax: y_i = d_i - log(s)    log table on [1, N] (activation-scale
//	                                  grid up to 2^16 entries), one lookup per slice
//
// Error: the exp table's (≤ 2^-(t+1) relative + 2^-(Scale+1)) and the
// division's rounding (2^-(Scale+1)); for LogSoftmax the log table's
// (2^-(t'+1) + 2^-(Scale+1)). Cost per element: a ReLU, a rescale, a
// lookup and a division (4 range checks, 1 multiplication).
//
// # Rounding
//
// Floor, Ceil and Round of a value at scale s are one proven Rescale by s
// (2 range checks per element), with an offset that picks the rounding:
//
//	Floor  ⌊x⌋ = Rescale(x - 2^(s-1))         (rescale rounds half up)
//	Ceil   ⌈x⌉ = Rescale(x + 2^(s-1) - 1)
//	Round  half to even, as ONNX: q1 = Rescale(x - 1) rounds ties down,
//	       q2 = Rescale(x) rounds them up (they differ only at a tie), and
//	       y = q1 + (q2-q1)·b with b = q1 - 2·⌊q1/2⌋ the parity of q1
//	       (3 rescales and 1 multiplication per element)
//
// The result is an integer-valued float at scale 0, exact for the
// quantized input; an input already at scale 0 passes through unchanged.
//
// # Normalization
//
// BatchNormalization (inference form) is a per-channel affine map with
// constant a_c = γ_c/√(var_c+ε) and b_c = β_c - mean_c·a_c: one free
// linear term and a rescale per element (error ≤ 2^-(Scale+1) +
// |x|·2^-(ParamScale+1) relative to a_c). With a constant input compile
// folds it.
//
// InstanceNormalization (per sample and channel, over the spatial axes) and
// LayerNormalization (over the axes from `axis` on) normalize groups of N
// values x_i at scale s, each bounded by X = Info.Max. With m extra bits of
// precision (m may be negative, see below) and k more for σ:
//
//	μ   = DivRound(Σx·2^m', N)                   scale s+m', m' = max(m, 0)
//	d_i = x_i·2^m' − μ                           free, |d_i| ≤ 2X·2^m' + 1
//	e_i = d_i, or Rescale(d_i, −m) when m < 0    scale s+m
//	v   = DivRound(Σ e_i², N) + ε                scale 2(s+m), N multiplications
//	σ   = Sqrt(v·2^2k)                           scale s+m+k
//	y_i = DivRound(d_i·2^(Scale+k+min(m,0)), σ)  scale Scale
//	out = γ_i·y_i + β_i                          free linear term + rescale
//
// Bounds. Σe_i² ≤ N·(X·2^m + 1)²: the deviations from the mean have the
// least sum of squares of any shift, so Σ(x_i − mean)² ≤ Σx_i² ≤ N·X², and
// rounding μ and e_i moves each e_i by at most 1 (Minkowski). planNorm
// takes the largest m ≤ 4 for which that sum, the numerator of μ and, at
// k = 0, v and d_i·2^(Scale+min(m,0)) stay within quant.MaxBound (2^62),
// then the largest k ≤ 8 that keeps v·2^2k and d_i·2^(Scale+k+min(m,0))
// within it. At the defaults (X = 2^23) m ≥ 1 for every N ≤ 4096; m < 0
// comes only with wide groups of large values (N·X² beyond 2^62), and
// costs one rescale per element. |y_i| ≤ (√N + 1)·(1 + ρ)·2^Scale + 1,
// where ρ bounds the floor in σ (1/⌊√max(ε,1)·2^k⌋).
//
// Error. With σ the group's real √(var+ε), y the exact normalized value,
// σ_m = σ·2^(s+m) (σ in units of 2^-(s+m)) and, in the same units,
// Δσ = 2^-k + 2·[m < 0] + 2.5/σ_m, wherever σ_m > Δσ:
//
//	|y_ours − y| ≤ 2^-(Scale+1) + (½ + |y|·Δσ) / (σ_m − Δσ)
//
// (μ rounds by ½; v by ½ for the division, ¼ for μ's rounding, 1 for ε's
// rounding or its rise to 1, and when m < 0 2σ_m + 1 for the e_i's, so
// |√v − σ_m| ≤ that/σ_m; σ's floor adds 2^-k). The output adds
// |γ|·that, |y|·|γ − γ_q| (γ_q exact, or within 2^-(ParamScale+1)·|γ|),
// 2^-(Scale+s_γ+1) for β and 2^-(Scale+1) for its rescale. At the
// defaults, N ≤ 4096 and σ ≥ 2^-4 the normalized value's error is below
// 2^-9 + |y|·2^-14 (TestLayerNormWidths checks both). Cost per element:
// 2 multiplications, a division (4 range checks), an affine rescale (2),
// and a rescale when m < 0; per group two divisions and a square root.
//
// # Recurrent layers
//
// RNN, GRU and LSTM (ONNX semantics) are unrolled over the sequence at
// compile time. Inputs X, W, R, B, sequence_lens, initial_h (and for LSTM
// initial_c, P); W, R, B and P must be constants, so every gate's
// pre-activation
//
//	Xt·Wᵀ + Ht-1·Rᵀ (+ P⊙C) + Wb + Rb
//
// is one free linear combination, followed by one rescale straight onto the
// grid of the activation's table (Sigmoid, Tanh) or onto the activation
// scale (Relu, RNN only). Per step and hidden unit:
//
//	RNN   H = f(pre)
//	GRU   z = f(pre_z), r = f(pre_r)
//	      h̃ = g(Xt·Whᵀ + (r⊙Ht-1)·Rhᵀ + Wbh + Rbh)        linear_before_reset = 0: 1 Mul per unit
//	      h̃ = g(Xt·Whᵀ + Wbh + r⊙(Ht-1·Rhᵀ + Rbh))        linear_before_reset ≠ 0: 1 Mul
//	      H = h̃ + z⊙(Ht-1 − h̃)                            1 Mul + 1 rescale
//	LSTM  i, f, o = f(pre), c̃ = g(pre_c)
//	      C = f⊙Ct-1 + i⊙c̃                                2 Mul + 1 rescale
//	      H = o⊙h(C)                                      1 lookup + 1 Mul + 1 rescale
//
// Hidden and cell states are kept at the activation scale. Directions
// forward, reverse and bidirectional; layout 0 and 1. Not supported (an
// error at compile time): clip, input_forget, computed weights, and
// sequence_lens other than the full length for every batch entry.
//
// Error: each activation's table error (see Table activations) plus half
// a unit per rescale, per step; the weights round at ParamScale (or
// exactly).
//
// # Shape operators
//
// Concat, Slice, Split, Pad, Transpose, Trilu, Range, and the reshapes,
// expands and tiles only pick elements (or constants) at compile-time
// positions, so they cost no constraints: movePlan moves the elements of
// one input, pickPlan, its multi-input, multi-output generalisation, those
// of several.
//
// # Secret weights
//
// model.CompileSecret turns a model's weights into witness values, so that
// the circuit depends on the architecture only. What is a weight is each
// operator's declaration ([Op.Weights], [WeightUse]), made only where its
// kernel takes the operand computed: AnyWeight (Gemm's A, B and C,
// MatMul's operands, Conv's and ConvTranspose's W and bias), VectorWeight
// (a per-channel operand of Add, Sub and Mul; a scalar stays a fixed
// constant, keeping its product free), or PassWeight (the data of an op
// that only moves elements: Identity, Flatten, Reshape, Squeeze,
// Unsqueeze, Expand, Tile, Transpose, Slice). A secret weight is
// range-checked to the parameter bits like every witness value, so the
// bound the kernels plan with (Info.Max = 2^(bits-1) at ParamScale) holds
// for it. Where a kernel takes part of a declared operand only as a
// constant, the op adapts the node ([Op.SecretRewrite]): Gemm folds alpha
// and beta into its weights and moves its C into an Add after the
// product; Conv and ConvTranspose move their bias out the same way.
// Operands that stay constant on purpose (normalisation statistics,
// exponents, divisors, recurrent weights, embedding tables) are listed
// with the reason by the tests' weight scan (TestWeightDeclarations).
//
// # References
//
//   - Jens Groth, "On the Size of Pairing-based Non-interactive Arguments",
//     EUROCRYPT 2016 ([Groth 2016]): Groth16, the proof system of the
//     default backend.
//   - Ariel Gabizon, Zachary J. Williamson and Oana Ciobotaru, "PLONK:
//     Permutations over Lagrange-bases for Oecumenical Noninteractive
//     arguments of Knowledge", IACR ePrint 2019/953 ([Gabizon, Williamson
//     and Ciobotaru 2019]): the universal-setup backend.
//   - Rūsiņš Freivalds, "Probabilistic machines can use less running time",
//     IFIP Congress 1977, and "Fast probabilistic algorithms", MFCS 1979
//     (LNCS 74): the randomized check of a matrix product.
//   - Ulrich Haböck, "Multivariate lookups based on logarithmic
//     derivatives", IACR ePrint 2022/1530 ([Haböck 2022]): logUp, the
//     log-derivative lookups behind gnark's logderivlookup and zkinfer's
//     LogUpRange.
//
// [Groth 2016]: https://eprint.iacr.org/2016/260
// [Gabizon, Williamson and Ciobotaru 2019]: https://eprint.iacr.org/2019/953
// [Haböck 2022]: https://eprint.iacr.org/2022/1530
package ops
