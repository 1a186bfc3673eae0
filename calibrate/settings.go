package calibrate

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/zkinfer/zkinfer/circuit"
	"github.com/zkinfer/zkinfer/internal/atomicfile"
	"github.com/zkinfer/zkinfer/quant"
)

// File is the settings file calibrate writes. Quant and RangeCheck are
// under the keys of a compiled directory's settings.json, so ReadSettings
// reads both.
type File struct {
	Target Target         `json:"target"`
	Met    bool           `json:"target_met"`
	Quant  quant.Settings `json:"quant"`
	// RangeCheck is compile's --range-check: auto, lookup or bits.
	RangeCheck string `json:"range_check"`
	// HeadroomBits is the margin beyond the calibration range; Observed
	// the widest float tensor seen.
	HeadroomBits int   `json:"headroom_bits"`
	Observed     Range `json:"observed_max"`
	// Constraints of the chosen format (0: not counted), and of the
	// defaults when they meet the target too.
	Constraints        int     `json:"constraints,omitempty"`
	DefaultConstraints int     `json:"default_constraints,omitempty"`
	Accuracy           *Report `json:"accuracy"`
	DefaultAccuracy    *Report `json:"default_accuracy,omitempty"`
	DefaultError       string  `json:"default_error,omitempty"`
}

// NewFile is the settings file of a calibration.
func NewFile(r *Result) *File {
	return &File{
		Target: r.Target, Met: r.Met, Quant: r.Chosen.Quant, RangeCheck: r.Chosen.RangeCheck.String(),
		HeadroomBits: r.Headroom, Observed: r.Observed,
		Constraints: r.Chosen.Constraints, DefaultConstraints: r.Default.Constraints,
		Accuracy: r.Chosen.Report, DefaultAccuracy: r.Default.Report, DefaultError: r.Default.Err,
	}
}

// Write writes f to path atomically, indented.
func (f *File) Write(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// Settings is what compile and run take from a settings file.
type Settings struct {
	Quant      quant.Settings
	RangeCheck circuit.RangePolicy
	// Accuracy is the calibration's report, when the file has one for
	// these settings.
	Accuracy *Report
}

// ReadSettings reads a settings file written by calibrate, or a compiled
// directory's settings.json: its "quant" (scale, param_scale, act_bits) and
// "range_check" (auto, lookup or bits; auto when absent).
func ReadSettings(path string) (*Settings, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	var raw struct {
		Quant      *quant.Settings `json:"quant"`
		RangeCheck *string         `json:"range_check"`
		Accuracy   *Report         `json:"accuracy"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("settings: %s is not a settings file (JSON with \"quant\"): %v", path, err)
	}
	if raw.Quant == nil {
		return nil, fmt.Errorf("settings: %s has no \"quant\": write it with zkinfer calibrate", path)
	}
	if err := raw.Quant.Validate(); err != nil {
		return nil, fmt.Errorf("settings: %s: %w", path, err)
	}
	s := &Settings{Quant: *raw.Quant}
	if raw.RangeCheck != nil {
		if s.RangeCheck, err = circuit.ParseRangePolicy(*raw.RangeCheck); err != nil {
			return nil, fmt.Errorf("settings: %s: %w", path, err)
		}
	}
	if raw.Accuracy != nil && raw.Accuracy.Quant == s.Quant {
		s.Accuracy = raw.Accuracy
	}
	return s, nil
}
