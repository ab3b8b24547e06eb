// Command go-voucher checks IoTopia's ownership vouchers with go-fdo, an independent FDO
// implementation, and makes vouchers with go-fdo for IoTopia to check.
//
//	go-voucher verify VOUCHER [HMAC_SECRET_HEX|-] [OWNER_PUBLIC_KEY_PEM|-]
//	go-voucher create DIR   (writes voucher.pem, secret.hex, owner.pem: the last owner's private key)
package main

import (
	"bytes"
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
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	fdo "github.com/fido-device-onboard/go-fdo"
	"github.com/fido-device-onboard/go-fdo/cbor"
	"github.com/fido-device-onboard/go-fdo/protocol"
)

func main() {
	if len(os.Args) < 3 {
		fail(fmt.Errorf("usage: go-voucher verify VOUCHER [SECRET_HEX|-] [OWNER_PEM|-] | go-voucher create DIR"))
	}
	var err error
	switch os.Args[1] {
	case "verify":
		err = verify(os.Args[2:])
	case "create":
		err = create(os.Args[2])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"ok": false, "error": err.Error()})
	os.Exit(1)
}

func verify(args []string) error {
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	var v fdo.Voucher
	if err := cbor.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("decoding: %w", err)
	}
	if v.Version != 101 || v.Header.Val.Version != 101 {
		return fmt.Errorf("version %d/%d", v.Version, v.Header.Val.Version)
	}
	hmacChecked := false
	if len(args) > 1 && args[1] != "-" {
		secret, err := hex.DecodeString(args[1])
		if err != nil {
			return err
		}
		if err := v.VerifyHeader(hmac.New(sha256.New, secret), hmac.New(sha512.New384, secret)); err != nil {
			return fmt.Errorf("header HMAC: %w", err)
		}
		hmacChecked = true
	}
	if err := v.VerifyCertChainHash(); err != nil {
		return fmt.Errorf("cert chain hash: %w", err)
	}
	if err := v.VerifyEntries(); err != nil {
		return fmt.Errorf("entries: %w", err)
	}
	ownerChecked := false
	if len(args) > 2 && args[2] != "-" {
		want, err := readPublicKey(args[2])
		if err != nil {
			return err
		}
		got, err := v.OwnerPublicKey()
		if err != nil {
			return fmt.Errorf("owner key: %w", err)
		}
		if !want.(interface{ Equal(crypto.PublicKey) bool }).Equal(got) {
			return fmt.Errorf("owner key differs")
		}
		ownerChecked = true
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"ok": true, "entries": len(v.Entries), "hmacChecked": hmacChecked, "ownerChecked": ownerChecked})
}

func readPublicKey(file string) (crypto.PublicKey, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", file)
	}
	return x509.ParsePKIXPublicKey(block.Bytes)
}

// create makes a voucher the way a go-fdo manufacturer would (P-384 manufacturer key, P-256
// device certificate) and extends it twice with go-fdo, so that the result has two entries.
func create(dir string) error {
	mfg, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	device, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "go-voucher device"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &device.PublicKey, device)
	if err != nil {
		return err
	}
	cert, _ := x509.ParseCertificate(der)
	mfgPub, err := protocol.NewPublicKey(protocol.Secp384r1KeyType, &mfg.PublicKey, false)
	if err != nil {
		return err
	}
	dns, _ := cbor.Marshal("rv.example")
	port, _ := cbor.Marshal(8080)
	chainHash := sha512.Sum384(der)
	var guid protocol.GUID
	_, _ = rand.Read(guid[:])
	header := fdo.VoucherHeader{
		Version:         101,
		GUID:            guid,
		RvInfo:          [][]protocol.RvInstruction{{{Variable: protocol.RVDns, Value: dns}, {Variable: protocol.RVDevPort, Value: port}}},
		DeviceInfo:      "go-voucher",
		ManufacturerKey: *mfgPub,
		CertChainHash:   &protocol.Hash{Algorithm: protocol.Sha384Hash, Value: chainHash[:]},
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	headerBytes, err := cbor.Marshal(&header)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, secret)
	_, _ = mac.Write(headerBytes)
	chain := []*cbor.X509Certificate{(*cbor.X509Certificate)(cert)}
	v := &fdo.Voucher{
		Version:   101,
		Header:    *cbor.NewBstr(header),
		Hmac:      protocol.Hmac{Algorithm: protocol.HmacSha256Hash, Value: mac.Sum(nil)},
		CertChain: &chain,
	}
	signer := mfg
	for range 2 {
		next, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		if v, err = fdo.ExtendVoucher(v, crypto.Signer(signer), &next.PublicKey, nil); err != nil {
			return err
		}
		signer = next
	}
	out, err := cbor.Marshal(v)
	if err != nil {
		return err
	}
	owner, _ := x509.MarshalPKCS8PrivateKey(signer)
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "OWNERSHIP VOUCHER", Bytes: out})
	files := map[string][]byte{
		"voucher.pem": buf.Bytes(),
		"secret.hex":  []byte(hex.EncodeToString(secret)),
		"owner.pem":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: owner}),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"ok": true, "entries": len(v.Entries)})
}
