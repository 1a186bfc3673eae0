package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSign: a device key from keygen signs the demo input; a circuit
// compiled with --input-signed-by eddsa proves it, and verify prints the
// device key and nonce and checks --device-key. A forged signature, the
// input changed after signing, another device's key in the file, a
// signature at another scale and an unsigned input each fail to prove
// (exit 3, one line); usage errors exit 2.
func TestSign(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key.json")
	out := mustZK(t, "sign", "keygen", "--out", key, "--seed", strings.Repeat("01", 32))
	var kf keyFile
	b, _ := os.ReadFile(key)
	if err := json.Unmarshal(b, &kf); err != nil || !strings.Contains(out, kf.PublicKey) {
		t.Fatalf("keygen printed %q, wrote %s (%v)", out, b, err)
	}
	if again := mustZK(t, "sign", "keygen", "--out", filepath.Join(dir, "again.json"), "--seed", strings.Repeat("01", 32)); again != strings.ReplaceAll(out, key, filepath.Join(dir, "again.json")) {
		t.Fatalf("the same seed gave another key: %q, %q", out, again)
	}
	other := filepath.Join(dir, "other.json")
	mustZK(t, "sign", "keygen", "--out", other, "--seed", strings.Repeat("02", 32))
	var okf keyFile
	b, _ = os.ReadFile(other)
	json.Unmarshal(b, &okf)

	signed := filepath.Join(dir, "signed.json")
	mustZK(t, "sign", "--key", key, "--input", demoInput, "--nonce", "42", "--out", signed)
	circ := filepath.Join(dir, "circ")
	mustZK(t, "compile", demoModel, "--out", circ, "--input-signed-by", "eddsa", "--quiet")
	mustZK(t, "setup", circ, "--quiet")
	p := filepath.Join(dir, "p.json")
	mustZK(t, "prove", circ, "--input", signed, "--proof", p, "--quiet")
	v := mustZK(t, "verify", circ, "--proof", p, "--device-key", kf.PublicKey)
	if !strings.Contains(v, "signed (eddsa) by the device key "+kf.PublicKey+" with nonce 42") {
		t.Fatalf("verify printed %q", v)
	}
	if code, _, e := zk(t, "verify", circ, "--proof", p, "--device-key", okf.PublicKey); code != 1 || !strings.Contains(e, "not the expected") {
		t.Fatalf("verify --device-key of another device: exit %d, %s", code, e)
	}

	var doc map[string]any
	b, _ = os.ReadFile(signed)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit := func(name string, f func(d map[string]any)) string {
		var d map[string]any
		json.Unmarshal(b, &d)
		f(d)
		e, _ := json.Marshal(d)
		return writeFile(t, dir, name, string(e))
	}
	sig := func(d map[string]any) map[string]any { return d["signature"].(map[string]any) }
	mustZK(t, "sign", "--key", key, "--input", demoInput, "--nonce", "42", "--scale", "10", "--out", filepath.Join(dir, "s10.json"))
	for _, tc := range []struct{ name, file, want string }{
		{"forged S", edit("forged.json", func(d map[string]any) {
			s := sig(d)["s"].(string)
			sig(d)["s"] = s[:len(s)-1] + map[bool]string{true: "1", false: "0"}[s[len(s)-1] == '0']
		}), "does not verify"},
		{"input changed after signing", edit("changed.json", func(d map[string]any) {
			d["input_data"].([]any)[0].([]any)[0] = 49.0
		}), "does not verify"},
		{"another device's key", edit("otherkey.json", func(d map[string]any) { sig(d)["key"] = okf.PublicKey }), "does not verify"},
		{"another nonce", edit("nonce.json", func(d map[string]any) { sig(d)["nonce"] = 43 }), "does not verify"},
		{"another scale", filepath.Join(dir, "s10.json"), "scale 2^10"},
		{"unsigned", demoInput, "signed input"},
	} {
		code, _, e := zk(t, "prove", circ, "--input", tc.file, "--proof", filepath.Join(dir, "bad.json"), "--quiet")
		if code != exitError || !strings.Contains(e, tc.want) || strings.Count(e, "\n") != 1 {
			t.Errorf("%s: exit %d, %q; want 3 and one line with %q", tc.name, code, e, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.json")); err == nil {
		t.Error("a refused prove wrote its proof file")
	}

	for _, args := range [][]string{
		{"sign", "--input", demoInput, "--out", signed},
		{"sign", "keygen"},
		{"sign", "keygen", "--out", key, "--seed", "12"},
		{"compile", demoModel, "--out", circ, "--input-signed-by", "rsa"},
	} {
		if code, _, e := zk(t, args...); code != exitUsage && !(args[0] == "compile" && code == exitError && strings.Contains(e, "not supported")) {
			t.Errorf("zkinfer %s: exit %d, %s", strings.Join(args, " "), code, e)
		}
	}
	if code, out, _ := zk(t, "sign", "--help"); code != 0 || !strings.Contains(out, "-nonce") {
		t.Errorf("sign --help: exit %d, %s", code, out)
	}
}
