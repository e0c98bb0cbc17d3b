/**
 * A self-signed certificate and key for tests only, like Go's `internal/testcert`
 * (`LocalhostCert`, `LocalhostKey`). Valid for `localhost`, `example.com`, `127.0.0.1` and `::1`
 * until 2126. Made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
 * -nodes -days 36500 -subj "/O=servehttp test/CN=localhost" -addext
 * "subjectAltName=DNS:localhost,DNS:example.com,IP:127.0.0.1,IP:::1"` (plus CA:TRUE so a client
 * can trust it as its own root).
 *
 * TEST ONLY: the private key is public. Never serve real traffic with it.
 */

/** The PEM certificate `startTestServer` serves with `{ tls: true }`; trust it as a CA. */
export const testCertificate: string = `-----BEGIN CERTIFICATE-----
MIICEzCCAbmgAwIBAgIUeziAOkx73D2bJFrMj4RyXEnEGDEwCgYIKoZIzj0EAwIw
LTEXMBUGA1UECgwOc2VydmVodHRwIHRlc3QxEjAQBgNVBAMMCWxvY2FsaG9zdDAg
Fw0yNjExMzAwNjM4NTZaGA8yMTI2MTEwNjA2Mzg1NlowLTEXMBUGA1UECgwOc2Vy
dmVodHRwIHRlc3QxEjAQBgNVBAMMCWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABJEXag9dTzscBoYJVBzRKkU/DUq/PQfXJJrUveGilz54lR1WkuJn
BS1/qPtLuiX8krqAlTbhfEWrNsku05fX+rGjgbQwgbEwHQYDVR0OBBYEFLjPgCuD
czwhvgZeuRTsBboSJGV1MB8GA1UdIwQYMBaAFLjPgCuDczwhvgZeuRTsBboSJGV1
MDkGA1UdEQQyMDCCCWxvY2FsaG9zdIILZXhhbXBsZS5jb22HBH8AAAGHEAAAAAAA
AAAAAAAAAAAAAAEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAoQwEwYD
VR0lBAwwCgYIKwYBBQUHAwEwCgYIKoZIzj0EAwIDSAAwRQIgEdkplU2KryDs/Cbw
1LUn1kvyQAGJfmaoz1seqFuqG2gCIQCkDIl6/UFf2DdaVme+1lU5/ZdCx4ed/efi
FJTkdRNwzg==
-----END CERTIFICATE-----
`;

/** The PEM private key of {@link testCertificate}. Public: for tests only. */
export const testKey: string = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgphMTnRHSaCWnCUxY
WvYoIaUFEoKDWDFznrsZg1YNbVqhRANCAASRF2oPXU87HAaGCVQc0SpFPw1Kvz0H
1ySa1L3hopc+eJUdVpLiZwUtf6j7S7ol/JK6gJU24XxFqzbJLtOX1/qx
-----END PRIVATE KEY-----
`;
