module iotopia.test/go-client

go 1.25.0

require github.com/fido-device-onboard/go-fdo v0.0.0-20260204145003-2d3d7c734680
