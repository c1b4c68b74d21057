package redisstore

import "syscall"

// childProcAttr makes the kernel kill a test redis-server when the test
// binary dies without running TestMain's teardown (a timeout, a crash).
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
