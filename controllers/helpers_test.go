package controllers_test

import (
	"regexp"
	"time"

	"github.com/eacred/dcrstakepool/controllers"
	"github.com/eacred/dcrstakepool/system"
)

type controllersConfig = controllers.Config

const time_Hour = time.Hour

var regexpCSRF = regexp.MustCompile(`name="` + system.CSRFFieldName + `" value="([^"]+)"`)
