// Package evidence takes in the files that back a slip's reports and its
// 申请办结 (photos, PDFs, Office documents) and keeps them: it decides by
// their first bytes, not their names, which files are accepted, counts and
// hashes (SHA-256) them while they stream to storage, and refuses one that
// grows past the configured size. Nothing is ever held whole in memory.
//
// Storage is the Blobs interface: Dir keeps files in the data directory
// (the embedded default); the store package keeps them in PostgreSQL in
// chunks for production (see README, "Evidence files"). A Put that fails
// half-way leaves nothing behind, so an interrupted upload stores nothing.
//
// Who may see or add a file is the slip's business (identity, api); this
// package knows bytes only.
package evidence
