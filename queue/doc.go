// Package queue proves a segmented directory's segments (package
// proof/segment) on workers that pull them from a job queue: NATS
// JetStream, embedded in the process (StartServer) on a single machine,
// or an external NATS server or cluster that workers on other machines
// reach.
//
// # Method
//
// The coordinator (Prove) computes every segment's witness with the
// integer evaluator (segment.Dir.Witnesses: the boundary salts and
// blinds are drawn there, once per run, and the boundary challenge every
// segment proves at is computed from the segments' boundary commitments,
// so a witness is all a worker needs; each segment runs from a model
// compiled with that segment's steps only, so the coordinator never holds
// the whole model's expanded weights), stores the witnesses, and publishes one job per
// segment on the subject zkinfer.jobs.RUN of the work-queue stream
// ZKINFER_JOBS (retention: work queue, so an acknowledged job is gone).
// Workers (Work) share the durable pull consumer zkinfer-workers with
// explicit acknowledgement: a worker fetches one job at a time, proves it
// with segment.Dir.ProveSegment, stores the proof, and only then
// acknowledges the job (and waits for the server to confirm the
// acknowledgement). While it proves it tells the server the job is in
// progress every third of the consumer's AckWait; a worker that dies
// stops doing so, and the server delivers the job again after AckWait to
// another worker. The coordinator waits for every segment's proof,
// verifies each with its segment's verifying key as it arrives and the
// whole bundle (the chain of boundaries) before returning it.
//
// # Runs and resuming
//
// A run is named by RunID, a hash of the directory (its manifest and
// verifying keys), the inputs and the proving options: proving the same
// input again with the same directory is the same run. Its files are kept
// under that name: witness/NNN, proof/NNN, error/NNN and run.json (the
// run's nonce, written after the witnesses) in the JetStream object store
// bucket zkinfer-run-RUN, or in SHARED/RUN/ with a shared directory
// (Options.SharedDir). A coordinator restarted mid-run finds run.json,
// reuses the stored witnesses (and so their salts, blinds and challenge,
// which the proven segments committed to), and publishes
// jobs only for segments without a stored proof: finished segments are
// not proven again. Jobs carry the message ID RUN-NONCE-K, so that
// republished jobs are dropped by the stream's duplicate window, and a
// worker acknowledges without proving a job whose proof is already
// stored or whose run has finished (its nonce differs). Once the bundle
// is written (Run.Finish), the run's files, which hold the private
// input's values, are deleted.
//
// # Keys
//
// A worker reads the segment's proving key from a directory: its own
// copy (WorkerOptions.Dir, checked against the job's directory ID), the
// coordinator's path when it can see it, or the object store bucket
// zkinfer-keys-DIRID that the coordinator fills with Options.UploadKeys:
// the worker then downloads the model, the manifest and the segment's
// files it needs into its cache, each file written atomically.
//
// Objects in the store are visible only once complete (the object's
// metadata is written after its chunks), and files in a shared directory
// are written through a temporary file and a rename: a worker killed
// mid-write leaves no half-written proof.
package queue
