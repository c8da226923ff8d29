package controllers_test

import (
	"os"
	"testing"

	"github.com/eacred/dcrstakepool/models/dbtest"
)

// TestMain stops the throwaway MariaDB server (if a test started one).
// It is the package's only TestMain: VSP tests share it.
func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
