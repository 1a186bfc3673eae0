package main

import (
	"flag"
	"fmt"
	"math"

	"github.com/zkinfer/zkinfer/calibrate"
	"github.com/zkinfer/zkinfer/graph"
	"github.com/zkinfer/zkinfer/model"
	"github.com/zkinfer/zkinfer/onnx"
	"github.com/zkinfer/zkinfer/quant"
)

func init() {
	commands = append(commands, command{name: "calibrate", args: "MODEL.onnx --data DATA.json --out SETTINGS.json [--target accuracy|balanced|resources]",
		help: "choose --scale, --param-scale, --act-bits and the range check from data (see docs/CALIBRATION.md)", run: cmdCalibrate})
}

// settingsFlag adds --settings, a settings file (calibrate's, or a compiled
// directory's settings.json) whose number format, and range check when
// rangeCheck is not nil, apply unless a flag sets them explicitly. The
// function it returns applies the file once the flags are parsed, and
// returns it (nil without --settings).
func settingsFlag(fs *flag.FlagSet, qs *quant.Settings, rangeCheck *string) func() (*calibrate.Settings, error) {
	path := fs.String("settings", "", "settings file from zkinfer calibrate (or a compiled directory's settings.json); explicit flags override it")
	return func() (*calibrate.Settings, error) {
		if *path == "" {
			return nil, nil
		}
		s, err := calibrate.ReadSettings(*path)
		if err != nil {
			return nil, err
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["scale"] {
			qs.Scale = s.Quant.Scale
		}
		if !set["param-scale"] {
			qs.ParamScale = s.Quant.ParamScale
		}
		if !set["act-bits"] {
			qs.ActBits = s.Quant.ActBits
		}
		if rangeCheck != nil && !set["range-check"] {
			*rangeCheck = s.RangeCheck.String()
		}
		if *qs != s.Quant {
			s.Accuracy = nil // measured for other settings
		}
		return s, nil
	}
}

// expectedError is compile's one line on the error of its settings: the
// calibration's measurement when the settings file has one for them, the
// outputs' resolution otherwise.
func expectedError(qs quant.Settings, s *calibrate.Settings) string {
	if s != nil && s.Accuracy != nil {
		return fmt.Sprintf("expected error: %s on %d calibration samples, against float", s.Accuracy.Brief(), s.Accuracy.Samples)
	}
	return fmt.Sprintf("expected error: not measured (outputs resolve to 2^-%d ≈ %.3g); zkinfer calibrate or accuracy with --data measures it", qs.Scale, math.Ldexp(1, -qs.Scale))
}

// loadSamples loads a model and splits calibration data in EZKL's layout
// into its samples.
func loadSamples(path, data string) (*graph.Graph, [][][]float64, error) {
	g, err := onnx.Load(path)
	if err != nil {
		return nil, nil, err
	}
	in, err := model.ReadInput(data)
	if err != nil {
		return nil, nil, err
	}
	// Any format that compiles gives the inputs' shapes.
	m, err := model.Compile(g, quant.Default)
	if err != nil {
		if m, err = model.Compile(g, quant.Settings{Scale: 2, ParamScale: 2, ActBits: 16}); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	samples, err := calibrate.Split(m, in)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", data, err)
	}
	return g, samples, nil
}

func cmdCalibrate(fs *flag.FlagSet, args []string) error {
	data := fs.String("data", "", "calibration samples in EZKL's layout: {\"input_data\": [...]}, each input's samples back to back")
	out := fs.String("out", "", "settings file to write (compile and run read it with --settings)")
	target := fs.String("target", string(calibrate.Balanced), "accuracy (same class always, ≤ 0.1% error), balanced (≥ 99.9%, ≤ 1%) or resources (fewest constraints, ≥ 99%)")
	headroom := fs.Int("headroom", 1, "bits of range beyond the largest calibration values (1: up to twice them)")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, err := parse(fs, args, 1, "data", "out")
	if err != nil {
		return err
	}
	t, err := calibrate.ParseTarget(*target)
	if err != nil {
		return usageError{err.Error()}
	}
	g, samples, err := loadSamples(pos[0], *data)
	if err != nil {
		return err
	}
	res, err := calibrate.Calibrate(g, samples, calibrate.Options{Target: t, Headroom: *headroom, Progress: progress(*quiet)})
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if err := calibrate.NewFile(res).Write(*out); err != nil {
		return err
	}
	c := res.Chosen
	cost := fmt.Sprintf("%d constraints", c.Constraints)
	if res.Default.Constraints > 0 {
		cost += fmt.Sprintf(" (defaults: %d)", res.Default.Constraints)
	} else if res.Default.Err != "" {
		cost += " (the defaults do not run)"
	}
	fmt.Fprintf(stdout, "wrote %s: %s --range-check %s, %s; on %d samples: %s\n", *out, calibrate.Format(c.Quant), c.RangeCheck, cost, c.Report.Samples, c.Report.Brief())
	if !res.Met {
		fmt.Fprintf(stderr, "zkinfer calibrate: warning: no settings meet the %s target on these samples; %s holds the closest\n", t, *out)
	}
	return nil
}
