package evm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// SameABI compares two ABI JSON documents entry by entry, ignoring order.
func SameABI(a, b []byte) error {
	ea, err := abiEntries(a)
	if err != nil {
		return err
	}
	eb, err := abiEntries(b)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(ea, eb) {
		return fmt.Errorf("%v vs %v", ea, eb)
	}
	return nil
}

func abiEntries(js []byte) ([]string, error) {
	var entries []map[string]any
	if err := json.Unmarshal(js, &entries); err != nil {
		return nil, fmt.Errorf("abi: %v", err)
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		for _, k := range []string{"inputs", "outputs"} {
			if l, ok := e[k].([]any); ok && len(l) == 0 {
				delete(e, k) // solc writes "outputs": [] where we may omit it
			}
		}
		b, _ := json.Marshal(e) // map keys sorted
		out[i] = string(b)
	}
	sort.Strings(out)
	return out, nil
}
