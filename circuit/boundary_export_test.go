package circuit

// BoundaryPackHint is the hint that makes the packed boundary outputs
// plain wires: a test overrides it to forge one.
var BoundaryPackHint = boundaryPackHint
