// Package coldchain is the cold-chain example: a shipment's temperature
// sensor signs its readings, and the carrier proves to the consignee that a
// spoilage model scores the signed readings safe (risk ≤ 0.1) without
// revealing them (README.md; generate.py makes the model and the data).
package coldchain
