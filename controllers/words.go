package controllers

import (
	"time"

	"github.com/eacred/dcrstakepool/system"
)

// humanDuration writes a link lifetime for a mail or a page: "48 hours",
// "1 hour", "30 minutes" (never Go's "48h0m0s").
func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return system.Plural(int64(d/time.Hour), "hour", "hours")
	case d >= time.Minute && d%time.Minute == 0:
		return system.Plural(int64(d/time.Minute), "minute", "minutes")
	}
	return system.Seconds(d)
}
