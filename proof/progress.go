package proof

// Progress reports the steps of a long operation (compile, setup, prove, a
// ceremony step) as printf-style lines, e.g. to stderr; nil is silent.
type Progress func(format string, args ...any)

// Log reports one line, when p is set.
func (p Progress) Log(format string, args ...any) {
	if p != nil {
		p(format, args...)
	}
}
