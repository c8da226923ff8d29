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

type timeT = time.Time

const minute = time.Minute

var regexpCaptcha = regexp.MustCompile(`name="captcha_id" value="([^"]+)"`)
