package proof

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// A model commitment means something only together with the verifying key
// it is checked under: with hashed weights the keys depend on the
// architecture alone, and a Pedersen commitment's bases come from the
// proving key made with them. `commit` prints, and `verify
// --vk-sha256` checks, the SHA-256 of the directory's vk.bin, so that a
// model owner publishes the pair and a verifier knows it holds those keys.

// VerifyingKeySHA256 is the hex SHA-256 of the directory's verifying key
// file.
func (c *Compiled) VerifyingKeySHA256() (string, error) {
	f, err := os.Open(c.path(VerifyingKey))
	if err != nil {
		return "", fmt.Errorf("%w (run setup first)", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxVerifyingKeyBytes+1)); err != nil {
		return "", fmt.Errorf("reading %s: %w", c.path(VerifyingKey), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkKeyHash compares the verifying key's hash with the expected one
// ("": not checked).
func (c *Compiled) checkKeyHash(want string) error {
	if want == "" {
		return nil
	}
	got, err := c.VerifyingKeySHA256()
	if err != nil {
		return err
	}
	if !strings.EqualFold(strings.TrimPrefix(want, "0x"), got) {
		return fmt.Errorf("the directory's verifying key has SHA-256 %s, not the expected %.70s: these are other keys than the commitment was published with", got, want)
	}
	return nil
}
