// Package strictjson reads the JSON files zkinfer writes for people to pass
// around (proof files, commitments, statements): a field the reader does not
// know is an error rather than something silently dropped, so a file edited
// to say more than its format does is refused, and a file is never read
// past a size limit.
package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Read decodes the JSON value in the file at path into v, refusing unknown
// fields and a file of more than limit bytes. Errors name the path.
func Read(path string, limit int64, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return decode(path, f, limit, v)
}

// decode is Read of an open reader; name is what errors call it.
func decode(name string, r io.Reader, limit int64, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("%s: more than %d bytes: not a file of this kind", name, limit)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
