//go:build tools

// Package tools pins the independent FDO peers the interop suite runs against: building this
// module's requirements gives the exact go-fdo-client and go-fdo-server releases named in go.mod.
package tools

import (
	_ "github.com/fido-device-onboard/go-fdo-client"
	_ "github.com/fido-device-onboard/go-fdo-server"
)
