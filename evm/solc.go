package evm

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// SolcVersion is the solc-js version package.json pins; FindSolc refuses
// another, so every build compiles the same bytecode.
const SolcVersion = "0.8.37"

// EVMVersion is the EVM the contracts are compiled for: Cancun, which every
// current chain (and go-ethereum's simulated chain) runs.
const EVMVersion = "cancun"

// SolcEnv names an environment variable that may point at the solc package
// directory (…/node_modules/solc); by default FindSolc looks for
// node_modules/solc in the working directory, its parents, and the
// executable's directory and its parents.
const SolcEnv = "ZKINFER_SOLC"

// ErrNoSolc is returned (wrapped) when node or the solc package is missing.
var ErrNoSolc = errors.New("solc-js is not installed")

// Solc compiles Solidity with solc-js run by node. Nothing is downloaded:
// the compiler is the soljson.js inside the npm package.
type Solc struct {
	Node string // node executable
	Dir  string // the solc package directory
}

// FindSolc locates node and the pinned solc package.
func FindSolc() (*Solc, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%w: node is not on PATH", ErrNoSolc)
	}
	var dirs []string
	if d := os.Getenv(SolcEnv); d != "" {
		dirs = []string{d}
	} else {
		if wd, err := os.Getwd(); err == nil {
			dirs = append(dirs, ancestors(wd, "node_modules/solc")...)
		}
		if exe, err := os.Executable(); err == nil {
			if exe, err = filepath.EvalSymlinks(exe); err == nil {
				dirs = append(dirs, ancestors(filepath.Dir(exe), "node_modules/solc")...)
			}
		}
	}
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var pkg struct{ Version string }
		if err := json.Unmarshal(b, &pkg); err != nil {
			continue
		}
		if pkg.Version != SolcVersion {
			return nil, fmt.Errorf("%w: %s is solc %s, want %s (run npm ci in the zkinfer repository)", ErrNoSolc, d, pkg.Version, SolcVersion)
		}
		return &Solc{Node: node, Dir: d}, nil
	}
	return nil, fmt.Errorf("%w: no node_modules/solc here or above (run `npm ci` in the zkinfer repository, or set %s)", ErrNoSolc, SolcEnv)
}

func ancestors(dir, rel string) []string {
	var out []string
	for {
		out = append(out, filepath.Join(dir, rel))
		parent := filepath.Dir(dir)
		if parent == dir {
			return out
		}
		dir = parent
	}
}

// driver runs solc's standard-JSON interface on stdin.
const driver = `const solc = require(process.env.ZKINFER_SOLC_DIR);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', () => { process.stdout.write(solc.compile(input)); });`

// Contract is one compiled contract.
type Contract struct {
	ABI      json.RawMessage
	Bytecode []byte // creation code
	Runtime  []byte // the code a deployment leaves on chain
}

// Compile compiles the sources (file name → Solidity) with the optimizer on
// and returns every contract by name. Compiler errors come back as one
// error naming the first few.
func (s *Solc) Compile(ctx context.Context, sources map[string][]byte) (map[string]*Contract, error) {
	type source struct {
		Content string `json:"content"`
	}
	in := map[string]any{
		"language": "Solidity",
		"sources":  map[string]source{},
		"settings": map[string]any{
			"optimizer":       map[string]any{"enabled": true, "runs": 200},
			"evmVersion":      EVMVersion,
			"outputSelection": map[string]any{"*": map[string]any{"*": []string{"abi", "evm.bytecode.object", "evm.deployedBytecode.object"}}},
		},
	}
	for name, src := range sources {
		in["sources"].(map[string]source)[name] = source{string(src)}
	}
	req, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, s.Node, "-e", driver)
	cmd.Env = append(os.Environ(), "ZKINFER_SOLC_DIR="+s.Dir)
	cmd.Stdin = bytes.NewReader(req)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("solc: %v: %s", err, firstLine(stderr.String()))
	}
	var out struct {
		Errors []struct {
			Severity         string `json:"severity"`
			FormattedMessage string `json:"formattedMessage"`
			Message          string `json:"message"`
		} `json:"errors"`
		Contracts map[string]map[string]struct {
			ABI json.RawMessage `json:"abi"`
			EVM struct {
				Bytecode struct {
					Object string `json:"object"`
				} `json:"bytecode"`
				Deployed struct {
					Object string `json:"object"`
				} `json:"deployedBytecode"`
			} `json:"evm"`
		} `json:"contracts"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("solc: unreadable output: %v", err)
	}
	var errs []string
	for _, e := range out.Errors {
		if e.Severity == "error" {
			errs = append(errs, firstLine(e.FormattedMessage))
		}
	}
	if len(errs) > 0 {
		if len(errs) > 3 {
			errs = append(errs[:3], fmt.Sprintf("and %d more", len(errs)-3))
		}
		return nil, fmt.Errorf("solc: %s", strings.Join(errs, "; "))
	}
	res := map[string]*Contract{}
	files := make([]string, 0, len(out.Contracts))
	for f := range out.Contracts {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		for name, c := range out.Contracts[f] {
			code, err := hex.DecodeString(c.EVM.Bytecode.Object)
			if err != nil {
				return nil, fmt.Errorf("solc: bytecode of %s is not hex", name)
			}
			runtime, err := hex.DecodeString(c.EVM.Deployed.Object)
			if err != nil {
				return nil, fmt.Errorf("solc: deployed bytecode of %s is not hex", name)
			}
			if _, dup := res[name]; dup {
				return nil, fmt.Errorf("solc: two contracts named %s", name)
			}
			res[name] = &Contract{ABI: c.ABI, Bytecode: code, Runtime: runtime}
		}
	}
	return res, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
