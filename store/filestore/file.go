package filestore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	session "github.com/websession/session"
)

// tempPrefix starts the names of files being written.
const tempPrefix = ".tmp-"

// short returns the part of a key that may appear in logs and errors.
func short(key string) string { return key[:8] }

// fileError wraps an I/O error without the file's path, which contains the
// full key.
func fileError(op, key string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("filestore: %s session file %s…: %w", op, short(key), err)
}

// read returns the record in key's file and whether the file exists. A
// corrupt file is logged and read as the zero Record, which is expired.
// The returned Data is the caller's to keep.
func (s *Store) read(key string) (session.Record, bool, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return session.Record{}, false, nil
	}
	if err != nil {
		return session.Record{}, false, fileError("read", key, err)
	}
	rec, err := decode(b)
	if err != nil {
		s.log.Warn("filestore: ignoring corrupt session file; it reads as missing and the next sweep removes it",
			"key_prefix", short(key), "reason", err)
		return session.Record{}, true, nil
	}
	return rec, true, nil
}

// write replaces key's file with contents atomically: a temporary file in
// the same directory is written and synced, renamed over the old file, and
// the directory is synced so the rename survives a crash.
func (s *Store) write(key string, contents []byte) (err error) {
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*") // mode 0600
	if err != nil {
		return fileError("create temporary", key, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(contents); err != nil {
		return fileError("write", key, err)
	}
	if err := tmp.Sync(); err != nil {
		return fileError("sync", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fileError("close", key, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, key)); err != nil {
		return fileError("rename", key, err)
	}
	return s.syncDir(key)
}

// remove deletes key's file, if any, and syncs the directory.
func (s *Store) remove(key string) error {
	err := os.Remove(filepath.Join(s.dir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fileError("remove", key, err)
	}
	return s.syncDir(key)
}

// syncDir flushes the directory entry changes made for key to disk.
func (s *Store) syncDir(key string) error {
	if err := syncDir(s.dir); err != nil {
		return fileError("sync directory for", key, err)
	}
	return nil
}

// syncDir flushes the entries of dir to disk. Windows cannot sync a
// directory; its renames are journaled by NTFS.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
