module iotopia.test/go-peers

go 1.25.5

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/elnormous/contenttype v1.0.4 // indirect
	github.com/fido-device-onboard/go-fdo v0.0.0-20260204145003-2d3d7c734680 // indirect
	github.com/fido-device-onboard/go-fdo-client v1.0.0 // indirect
	github.com/fido-device-onboard/go-fdo-server v1.0.1 // indirect
	github.com/fido-device-onboard/go-fdo/fsim v0.0.0-20260204145003-2d3d7c734680 // indirect
	github.com/fido-device-onboard/go-fdo/tpm v0.0.0-20260116133239-94bd9c5d647c // indirect
	github.com/fsnotify/fsnotify v1.9.0 // indirect
	github.com/go-viper/mapstructure/v2 v2.4.0 // indirect
	github.com/google/go-tpm v0.9.8 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.9.2 // indirect
	github.com/jackc/puddle/v2 v2.2.2 // indirect
	github.com/jinzhu/inflection v1.0.0 // indirect
	github.com/jinzhu/now v1.1.5 // indirect
	github.com/mattn/go-sqlite3 v1.14.32 // indirect
	github.com/mitchellh/mapstructure v1.5.0 // indirect
	github.com/neilotoole/jsoncolor v0.7.1 // indirect
	github.com/oapi-codegen/runtime v1.1.2 // indirect
	github.com/pelletier/go-toml/v2 v2.2.4 // indirect
	github.com/sagikazarmark/locafero v0.11.0 // indirect
	github.com/sourcegraph/conc v0.3.1-0.20240121214520-5f936abd7ae8 // indirect
	github.com/spf13/afero v1.15.0 // indirect
	github.com/spf13/cast v1.10.0 // indirect
	github.com/spf13/cobra v1.9.1 // indirect
	github.com/spf13/pflag v1.0.10 // indirect
	github.com/spf13/viper v1.21.0 // indirect
	github.com/subosito/gotenv v1.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.4 // indirect
	golang.org/x/sync v0.18.0 // indirect
	golang.org/x/sys v0.39.0 // indirect
	golang.org/x/term v0.37.0 // indirect
	golang.org/x/text v0.31.0 // indirect
	golang.org/x/time v0.11.0 // indirect
	gorm.io/driver/postgres v1.6.0 // indirect
	gorm.io/driver/sqlite v1.6.0 // indirect
	gorm.io/gorm v1.31.0 // indirect
	hermannm.dev/devlog v0.5.0 // indirect
)
