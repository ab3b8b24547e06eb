// Command go-client runs go-fdo's device client against an IoTopia server over HTTP: the
// interoperability check of IoTopia's FDO transport and server roles with an independent device.
//
//	go-client di URL CREDFILE ec256|ec384      prints the GUID (hex) the device received
//	go-client onboard URL CREDFILE KEX CIPHER  runs TO1 then TO2, prints the replacement GUID (hex)
package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"time"

	fdo "github.com/fido-device-onboard/go-fdo"
	"github.com/fido-device-onboard/go-fdo/blob"
	"github.com/fido-device-onboard/go-fdo/cbor"
	"github.com/fido-device-onboard/go-fdo/custom"
	fdohttp "github.com/fido-device-onboard/go-fdo/http"
	"github.com/fido-device-onboard/go-fdo/kex"
	"github.com/fido-device-onboard/go-fdo/protocol"
	"github.com/fido-device-onboard/go-fdo/serviceinfo"
)

func main() {
	if len(os.Args) < 5 {
		fail(fmt.Errorf("usage: go-client di URL CREDFILE ec256|ec384 | go-client onboard URL CREDFILE KEX CIPHER"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "di":
		err = runDI(ctx, os.Args[2], os.Args[3], os.Args[4])
	case "onboard":
		if len(os.Args) < 6 {
			err = fmt.Errorf("onboard needs KEX and CIPHER")
			break
		}
		err = runOnboard(ctx, os.Args[2], os.Args[3], os.Args[4], os.Args[5])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func runDI(ctx context.Context, url, credFile, keyType string) error {
	curve, pkType := elliptic.P256(), protocol.Secp256r1KeyType
	if keyType == "ec384" {
		curve, pkType = elliptic.P384(), protocol.Secp384r1KeyType
	}
	key, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		return err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "go-fdo device"}}, key)
	if err != nil {
		return err
	}
	csr, err := x509.ParseCertificateRequest(csrDER)
	if err != nil {
		return err
	}
	cred, err := fdo.DI(ctx, &fdohttp.Transport{BaseURL: url}, custom.DeviceMfgInfo{
		KeyType:      pkType,
		KeyEncoding:  protocol.X509KeyEnc,
		SerialNumber: "GO-" + keyType,
		DeviceInfo:   "go-fdo device",
		CertInfo:     cbor.X509CertificateRequest(*csr),
	}, fdo.DIConfig{
		HmacSha256: hmac.New(sha256.New, secret),
		HmacSha384: hmac.New(sha512.New384, secret),
		Key:        key,
	})
	if err != nil {
		return fmt.Errorf("DI: %w", err)
	}
	stored := blob.DeviceCredential{Active: true, DeviceCredential: *cred, HmacSecret: secret, PrivateKey: blob.Pkcs8Key{Signer: key}}
	data, err := cbor.Marshal(stored)
	if err != nil {
		return err
	}
	if err := os.WriteFile(credFile, data, 0o600); err != nil {
		return err
	}
	fmt.Println(hex.EncodeToString(cred.GUID[:]))
	return nil
}

func runOnboard(ctx context.Context, url, credFile, kexSuite, cipher string) error {
	data, err := os.ReadFile(credFile)
	if err != nil {
		return err
	}
	var stored blob.DeviceCredential
	if err := cbor.Unmarshal(data, &stored); err != nil {
		return err
	}
	cipherID, err := strconv.Atoi(cipher)
	if err != nil {
		return err
	}
	var signer crypto.Signer = stored.PrivateKey.Signer
	transport := &fdohttp.Transport{BaseURL: url}
	to1d, err := fdo.TO1(ctx, transport, stored.DeviceCredential, signer, nil)
	if err != nil {
		return fmt.Errorf("TO1: %w", err)
	}
	h256, h384 := stored.HMACs()
	cred, err := fdo.TO2(ctx, transport, to1d, fdo.TO2Config{
		Cred:       stored.DeviceCredential,
		HmacSha256: h256,
		HmacSha384: h384,
		Key:        signer,
		Devmod: serviceinfo.Devmod{
			Os: "linux", Arch: "amd64", Version: "go-fdo interop", Device: "go-fdo device", FileSep: "/", Bin: "amd64",
		},
		KeyExchange: kex.Suite(kexSuite),
		CipherSuite: kex.CipherSuiteID(cipherID),
	})
	if err != nil {
		return fmt.Errorf("TO2: %w", err)
	}
	if cred == nil {
		fmt.Println("reused")
		return nil
	}
	fmt.Println(hex.EncodeToString(cred.GUID[:]))
	return nil
}
