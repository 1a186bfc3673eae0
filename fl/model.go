package fl

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/quant"
)

// Params are a model's secret weights as `zkinfer commit` quantizes them
// (model.CompileSecret's parameters, in its order), flattened.
type Params struct {
	Names  []string // the weight tensors, in order
	Sizes  []int
	Values []int64
}

// LoadParams reads the weights of the ONNX model at path, quantized at
// 2^-paramScale to paramBits signed bits.
func LoadParams(path string, paramScale, paramBits int) (*Params, error) {
	g, err := onnx.Load(path)
	if err != nil {
		return nil, err
	}
	qs := quant.Default
	qs.ParamScale = paramScale
	m, err := model.CompileSecret(g, qs, paramBits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ts, err := m.ParamValues()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &Params{Names: m.ParamNames}
	for _, t := range ts {
		p.Sizes = append(p.Sizes, len(t.Data))
		p.Values = append(p.Values, t.Data...)
	}
	return p, nil
}

// sameArchitecture refuses two parameter lists of different tensors.
func (p *Params) sameArchitecture(q *Params, what string) error {
	if !slices.Equal(p.Names, q.Names) || !slices.Equal(p.Sizes, q.Sizes) {
		return fmt.Errorf("fl: %s has weight tensors %v of sizes %v, the global model %v of %v: an update must be of the global model's architecture", what, q.Names, q.Sizes, p.Names, p.Sizes)
	}
	return nil
}

// LoadUpdate reads a client's update against the global model base: an
// ONNX file of the updated model (u = its quantized weights − base's), or
// a delta JSON {"delta": {"tensor name": [values…]}} of every weight
// tensor's real-valued change, flattened, quantized at the parameter
// scale.
func LoadUpdate(path string, base *Params, paramScale, paramBits int) ([]int64, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probe struct {
		Delta map[string][]float64 `json:"delta"`
	}
	if json.Unmarshal(raw, &probe) == nil && probe.Delta != nil {
		u := make([]int64, 0, len(base.Values))
		for i, name := range base.Names {
			d, ok := probe.Delta[name]
			if !ok || len(d) != base.Sizes[i] {
				return nil, fmt.Errorf("fl: %s: the delta of %q has %d values, the model's tensor %d: give every weight tensor of the global model", path, name, len(d), base.Sizes[i])
			}
			for _, v := range d {
				if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(math.Ldexp(v, paramScale)) >= 1<<40 {
					return nil, fmt.Errorf("fl: %s: a delta of %q is %v", path, name, v)
				}
				u = append(u, quant.Quantize(v, paramScale))
			}
		}
		if len(probe.Delta) != len(base.Names) {
			return nil, fmt.Errorf("fl: %s: the delta has %d tensors, the model's weights %d: give exactly the weight tensors %v", path, len(probe.Delta), len(base.Names), base.Names)
		}
		return u, nil
	}
	p, err := LoadParams(path, paramScale, paramBits)
	if err != nil {
		return nil, err
	}
	if err := base.sameArchitecture(p, path); err != nil {
		return nil, err
	}
	u := make([]int64, len(p.Values))
	for j := range u {
		u[j] = p.Values[j] - base.Values[j]
	}
	return u, nil
}

// WriteModel writes the ONNX model at basePath with its weights replaced
// by values (quantized, in Params order) to out, as float32 (exact: every
// value is below 2^24 units), and checks that `zkinfer commit` gives the
// written file the commitment want.
func WriteModel(basePath, out string, base *Params, values []int64, paramScale, paramBits int, salt, want *big.Int) error {
	raw, err := os.ReadFile(basePath)
	if err != nil {
		return err
	}
	var m onnx.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("fl: %s is not a valid ONNX model: %w", basePath, err)
	}
	off := 0
	for i, name := range base.Names {
		var t *onnx.TensorProto
		for _, init := range m.GetGraph().GetInitializer() {
			if init.GetName() == name {
				t = init
			}
		}
		if t == nil || t.GetDataType() != int32(onnx.TensorProto_FLOAT) || t.GetDataLocation() != 0 {
			return fmt.Errorf("fl: the weight %q is not a float32 initializer stored in %s (compile rewrites it): fl writes models whose weights are plain initializers", name, basePath)
		}
		buf := make([]byte, 4*base.Sizes[i])
		for j, v := range values[off : off+base.Sizes[i]] {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(float32(quant.Dequantize(v, paramScale))))
		}
		t.RawData, t.FloatData = buf, nil
		off += base.Sizes[i]
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(&m)
	if err != nil {
		return fmt.Errorf("fl: %w", err)
	}
	if err := atomicfile.WriteFile(out, b); err != nil {
		return err
	}
	qs := quant.Default
	qs.ParamScale = paramScale
	got, err := proof.ModelCommitment(out, qs, paramBits, salt)
	if err != nil {
		return err
	}
	if w := circuit.Hex(fieldOf(want)); got != w {
		os.Remove(out)
		return fmt.Errorf("fl: %s's commitment is %s, the proof's %s: compile rewrites this model's weights; fl writes models whose weights are plain initializers", out, got, w)
	}
	return nil
}
