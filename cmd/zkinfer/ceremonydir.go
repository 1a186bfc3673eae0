package main

import (
	"os"
	"path/filepath"

	"github.com/zkinfer/zkinfer/fl"
	"github.com/zkinfer/zkinfer/proof"
	"github.com/zkinfer/zkinfer/proof/ceremony"
)

// ceremonySteps are the coordinator's steps of a ceremony on a directory:
// proof.Compiled's for a compiled model, fl.Ceremony's for a federated
// aggregation circuit (`fl setup --ceremony`).
type ceremonySteps interface {
	DefaultStatePath(phase int) (string, error)
	CeremonyInit(out string) (*ceremony.Step, error)
	CeremonyPhase2(lastPhase1, out string, beacon []byte, progress proof.Progress) (*ceremony.Step, error)
	CeremonyPhase2Prepared(prepared, digest, out string, progress proof.Progress) (*ceremony.Step, error)
	CeremonyFinalizePrepared(last, prepared string, closing ceremony.Closing, progress proof.Progress) error
}

// ceremonyDir is a directory a ceremony makes keys for.
type ceremonyDir struct {
	ceremonySteps
	// keepKeys refuses to replace keys the directory has, unless force.
	keepKeys func(force bool) error
	// wrote names the files finalize writes.
	wrote string
}

// isFL reports whether dir was set up by `fl setup`.
func isFL(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, fl.ShapeFile))
	return dir != "" && err == nil
}

// openCeremonyDir opens dir for a ceremony's step.
func openCeremonyDir(dir string) (ceremonyDir, error) {
	if isFL(dir) {
		c, err := fl.OpenCeremony(dir)
		if err != nil {
			return ceremonyDir{}, err
		}
		return ceremonyDir{
			ceremonySteps: c,
			keepKeys: func(force bool) error {
				return keepKeyFiles(dir, string(c.Setup().Kind), force)
			},
			wrote: proof.ProvingKey + ", " + proof.VerifyingKey + " and " + fl.ClientsKeyFile,
		}, nil
	}
	c, err := proof.Open(dir)
	if err != nil {
		return ceremonyDir{}, err
	}
	return ceremonyDir{
		ceremonySteps: c,
		keepKeys:      func(force bool) error { return keepKeys(c, force) },
		wrote:         proof.ProvingKey + " and " + proof.VerifyingKey,
	}, nil
}

// verifyCeremonyDir checks a ceremony's state files against dir (none:
// the chain alone, in progress).
func verifyCeremonyDir(dir string, files []string, opt ceremony.VerifyOptions) (*ceremony.Report, error) {
	if !isFL(dir) {
		return proof.VerifyCeremony(dir, files, opt)
	}
	c, err := fl.OpenCeremony(dir)
	if err != nil {
		return nil, err
	}
	return c.VerifyCeremony(files, opt)
}

// ceremonyTrust says what keys from a ceremony on dir rest on.
func ceremonyTrust(dir string) string {
	if isFL(dir) {
		if r, err := fl.ReadSetup(dir); err == nil {
			return r.Trust()
		}
	}
	return ceremony.Trust
}
