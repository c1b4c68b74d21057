//go:build !linux

package redisstore

import "syscall"

// childProcAttr returns nil: only Linux can tie a child's life to ours.
func childProcAttr() *syscall.SysProcAttr { return nil }
