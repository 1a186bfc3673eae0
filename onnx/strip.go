package onnx

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"
)

// StripWeights returns the ONNX model raw with the initializers named in
// names set to zero, their shapes and types kept: a model with the
// architecture of raw and none of those values (model.SecretInitializers
// names a model's weights). The output is deterministic: stripping two
// models with the same architecture gives the same bytes. An initializer
// to strip whose data lives outside the model file is an error.
func StripWeights(raw []byte, names []string) ([]byte, error) {
	var m ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not a valid ONNX model: %w", err)
	}
	for _, t := range m.GetGraph().GetInitializer() {
		if !slices.Contains(names, t.GetName()) {
			continue
		}
		if t.GetDataLocation() != 0 || len(t.ExternalData) > 0 {
			return nil, fmt.Errorf("initializer %q keeps its data outside the model file, which is not supported", t.GetName())
		}
		if len(t.RawData) > 0 {
			t.RawData = make([]byte, len(t.RawData))
		}
		for i := range t.FloatData {
			t.FloatData[i] = 0
		}
		for i := range t.DoubleData {
			t.DoubleData[i] = 0
		}
		for i := range t.Int32Data { // float16 payloads
			t.Int32Data[i] = 0
		}
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(&m)
}
