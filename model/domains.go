package model

// The operator sets of ONNX domains other than the default one register
// themselves with ops when imported; compile knows them all.
import _ "github.com/zkinfer/zkinfer/ops/ml"
