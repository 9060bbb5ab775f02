package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// outputFile is --output FILE: everything is written to a temporary file
// beside FILE, which replaces FILE (rename, atomic on POSIX file systems)
// only when the whole pull succeeded. After a failure or an interrupt FILE
// is exactly as it was and the temporary file is gone.
type outputFile struct {
	path string // FILE, symlinks resolved: the link keeps pointing at it
	tmp  *os.File
	mode fs.FileMode // FILE's permissions if it exists; else the umask decides
	keep bool        // FILE existed: give the new file its mode
}

// createOutput checks that path can be replaced and opens the temporary
// file. Called before any request, so a bad path is bad usage.
func createOutput(path string) (*outputFile, error) {
	o := &outputFile{path: path}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		o.path = resolved
	}
	st, err := os.Stat(o.path)
	switch {
	case err == nil && !st.Mode().IsRegular():
		return nil, usagef("--output %s is not a regular file", path)
	case err == nil:
		o.mode, o.keep = st.Mode().Perm(), true
	case !errors.Is(err, fs.ErrNotExist):
		return nil, usagef("--output %s: %v", path, errors.Unwrap(err))
	}
	dir, base := filepath.Split(o.path)
	if dir == "" {
		dir = "."
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	// 0666 before the umask, as the shell's > would create FILE.
	tmp, err := os.OpenFile(filepath.Join(dir, "."+base+".partial-"+hex.EncodeToString(suffix[:])), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, usagef("--output %s: cannot write in %s: %v", path, dir, errors.Unwrap(err))
	}
	o.tmp = tmp
	return o, nil
}

// Write writes to the temporary file.
func (o *outputFile) Write(p []byte) (int, error) { return o.tmp.Write(p) }

// commit makes the temporary file FILE: sync its data, close it, rename it
// over FILE and sync the directory, so FILE is whole even after a crash.
func (o *outputFile) commit() error {
	if o.keep {
		if err := o.tmp.Chmod(o.mode); err != nil {
			o.discard()
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
	}
	if err := o.tmp.Sync(); err != nil {
		o.discard()
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	if err := o.tmp.Close(); err != nil {
		_ = os.Remove(o.tmp.Name())
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	if err := os.Rename(o.tmp.Name(), o.path); err != nil {
		_ = os.Remove(o.tmp.Name())
		return fmt.Errorf("replacing %s: %w", o.path, err)
	}
	if d, err := os.Open(filepath.Dir(o.path)); err == nil {
		_ = d.Sync() // the rename itself; some file systems refuse, the data is synced anyway
		_ = d.Close()
	}
	return nil
}

// discard closes and removes the temporary file; FILE is untouched.
func (o *outputFile) discard() {
	_ = o.tmp.Close()
	_ = os.Remove(o.tmp.Name())
}
