package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"math/big"
	"regexp"

	"github.com/zkinfer/zkinfer/evm"
)

func init() {
	commands = append(commands, command{"context", "--chain-id N --contract ADDR --sender ADDR --nonce N",
		"print the context bytes a wrapper contract expects (abi.encodePacked of the four), for prove --context", cmdContext})
}

var addressRe = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)

func cmdContext(fs *flag.FlagSet, args []string) error {
	chainID := fs.String("chain-id", "", "the chain's id (block.chainid; decimal or 0x hex), e.g. 1 for Ethereum's mainnet")
	contract := fs.String("contract", "", "the address of the contract that checks the proof (the wrapper, or the contract that inherits it)")
	sender := fs.String("sender", "", "the address that will present the proof (msg.sender, or the subject an inheriting contract names)")
	nonce := fs.String("nonce", "", "the sender's nonce in that contract (its nonces(sender); decimal or 0x hex)")
	if _, err := parse(fs, args, 0, "chain-id", "contract", "sender", "nonce"); err != nil {
		return err
	}
	var ints [2]*big.Int
	for i, f := range []struct{ flag, value string }{{"chain-id", *chainID}, {"nonce", *nonce}} {
		v, ok := new(big.Int).SetString(f.value, 0)
		if !ok || v.Sign() < 0 || v.BitLen() > 256 {
			return usageError{fmt.Sprintf("--%s %.80q is not an unsigned 256-bit integer (decimal, or 0x hex)", f.flag, f.value)}
		}
		ints[i] = v
	}
	var addrs [2][20]byte
	for i, f := range []struct{ flag, value string }{{"contract", *contract}, {"sender", *sender}} {
		if !addressRe.MatchString(f.value) {
			return usageError{fmt.Sprintf("--%s %.80q is not an address (0x and 40 hex digits)", f.flag, f.value)}
		}
		hex.Decode(addrs[i][:], []byte(f.value[2:])) // checked by addressRe
	}
	b, err := evm.ContextBytes(ints[0], addrs[0], addrs[1], ints[1])
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "0x%s\n", hex.EncodeToString(b))
	return err
}
