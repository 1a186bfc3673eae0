package main

import (
	"flag"
	"fmt"

	"github.com/zkinfer/zkinfer/calibrate"
	"github.com/zkinfer/zkinfer/model"
)

func init() {
	commands = append(commands, command{name: "accuracy", args: "MODEL.onnx --data DATA.json [--settings S.json] [--labels LABELS.json] [--json]",
		help: "compare the fixed-point model with float on samples (and with labels)", run: cmdAccuracy})
}

func cmdAccuracy(fs *flag.FlagSet, args []string) error {
	data := fs.String("data", "", "samples in EZKL's layout: {\"input_data\": [...]}, each input's samples back to back")
	labels := fs.String("labels", "", "the samples' classes: a JSON list, or {\"labels\": [...]}")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	qs := quantFlags(fs)
	applySettings := settingsFlag(fs, qs, nil)
	pos, err := parse(fs, args, 1, "data")
	if err != nil {
		return err
	}
	if _, err := applySettings(); err != nil {
		return err
	}
	var lab []int
	if *labels != "" {
		if lab, err = calibrate.ReadLabels(*labels); err != nil {
			return err
		}
	}
	g, samples, err := loadSamples(pos[0], *data)
	if err != nil {
		return err
	}
	m, err := model.Compile(g, *qs)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	r, err := calibrate.Measure(m, samples, nil, lab)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if *asJSON {
		return printJSON(r)
	}
	fmt.Fprintf(stdout, "fixed point (%s) against float on %d samples\n", calibrate.Format(r.Quant), r.Samples)
	if r.Classified {
		fmt.Fprintf(stdout, "class agreement: %d/%d (%.2f%%)\n", r.Agree, r.Samples, 100*r.Agreement)
	} else {
		fmt.Fprintln(stdout, "class agreement: no output has a class (an argmax or a label)")
	}
	for _, o := range r.Outputs {
		fmt.Fprintf(stdout, "output %q: absolute error max %.4g, mean %.4g; relative error max %.4g%%, mean %.4g%%\n", o.Name, o.MaxAbs, o.MeanAbs, 100*o.MaxRel, 100*o.MeanRel)
	}
	fmt.Fprintf(stdout, "worst sample: %d (relative error %.4g%%)\n", r.Worst, 100*r.MaxRel)
	if r.Labels != nil {
		fmt.Fprintf(stdout, "accuracy on %d labels: float %.2f%%, fixed point %.2f%%\n", r.Labels.Labels, 100*r.Labels.Float, 100*r.Labels.Fixed)
	}
	return nil
}
