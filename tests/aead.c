/*
 * netpipe: tests/aead.c: aead.c against the test vectors of RFC 8439
 * (sections 2.1.1, 2.3.2, 2.4.2, 2.5.2, 2.6.2, 2.8.2 and Appendix A.1
 * to A.5) and draft-irtf-cfrg-xchacha-03 2.2.1 (HChaCha20), and tamper
 * tests: every bit flipped in the AAD, the ciphertext or the tag, and
 * every truncation, fails to open and leaves the output untouched.
 * Prints one line per failure and "aead: N vectors, N tamper checks";
 * exits 1 on any failure.
 *
 * Copyright (C) 2026 the netpipe authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../netpipe.h"
#include "../seal.h"

#define MAXLEN	512

static int	 fails, nvec, ntamper;

static size_t	 unhex(uint8_t *, const char *);
static void	 check(const char *, const uint8_t *, const char *, size_t);
static void	 t_quarter(void);
static void	 t_block(const char *, const char *, const char *, uint32_t,
		    const char *);
static void	 t_xor(const char *, const char *, const char *, uint32_t,
		    const char *, const char *);
static void	 t_poly(const char *, const char *, const char *, const char *);
static void	 t_keygen(const char *, const char *, const char *, const char *);
static void	 t_aead(const char *, const char *, const char *, const char *,
		    const char *, const char *, const char *);
static void	 t_hchacha(void);
static void	 t_tamper(void);

/* Hex, with spaces allowed, into b; returns the bytes. */
static size_t
unhex(uint8_t *b, const char *s)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1 || n == MAXLEN) {
			fprintf(stderr, "aead: bad hex in the test\n");
			exit(2);
		}
		b[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
check(const char *what, const uint8_t *got, const char *want, size_t len)
{
	uint8_t w[MAXLEN];
	size_t n, i;

	nvec++;
	n = unhex(w, want);
	if (n != len || memcmp(got, w, n) != 0) {
		printf("FAIL %s: got ", what);
		for (i = 0; i < len; i++)
			printf("%02x", got[i]);
		printf("\n");
		fails++;
	}
}

/* 2.1.1 */
static void
t_quarter(void)
{
	uint32_t a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43,
	    d = 0x01234567;

	nvec++;
	chacha_quarter(&a, &b, &c, &d);
	if (a != 0xea2a92f4 || b != 0xcb1cf8ce || c != 0x4581472e ||
	    d != 0x5881c4bb) {
		printf("FAIL 2.1.1 quarter round\n");
		fails++;
	}
}

static void
t_block(const char *what, const char *key, const char *nonce, uint32_t ctr,
    const char *out)
{
	uint8_t k[MAXLEN], n[MAXLEN], b[64];

	unhex(k, key);
	unhex(n, nonce);
	chacha20_block(b, k, ctr, n);
	check(what, b, out, 64);
}

/* Encryption, and decryption back, also in place. */
static void
t_xor(const char *what, const char *key, const char *nonce, uint32_t ctr,
    const char *pt, const char *ct)
{
	uint8_t k[MAXLEN], n[MAXLEN], p[MAXLEN], c[MAXLEN];
	size_t len;

	unhex(k, key);
	unhex(n, nonce);
	len = unhex(p, pt);
	chacha20_xor(c, p, len, k, ctr, n);
	check(what, c, ct, len);
	chacha20_xor(c, c, len, k, ctr, n);
	check(what, c, pt, len);
}

static void
t_poly(const char *what, const char *key, const char *msg, const char *tag)
{
	uint8_t k[MAXLEN], m[MAXLEN], t[16];
	size_t len;

	unhex(k, key);
	len = unhex(m, msg);
	poly1305(t, m, len, k);
	check(what, t, tag, 16);
}

static void
t_keygen(const char *what, const char *key, const char *nonce,
    const char *otk)
{
	uint8_t k[MAXLEN], n[MAXLEN], o[32];

	unhex(k, key);
	unhex(n, nonce);
	poly1305_keygen(o, k, n);
	check(what, o, otk, 32);
}

/* Seal gives ct and tag; open gives pt back, in place too. */
static void
t_aead(const char *what, const char *key, const char *nonce, const char *aad,
    const char *pt, const char *ct, const char *tag)
{
	uint8_t k[MAXLEN], n[MAXLEN], a[MAXLEN], p[MAXLEN], c[MAXLEN],
	    t[16], q[MAXLEN];
	size_t alen, len;

	unhex(k, key);
	unhex(n, nonce);
	alen = unhex(a, aad);
	len = unhex(p, pt);
	aead_seal(c, t, p, len, a, alen, k, n);
	check(what, c, ct, len);
	check(what, t, tag, 16);
	nvec++;
	if (aead_open(q, c, len, t, a, alen, k, n) != 0 ||
	    memcmp(q, p, len) != 0 ||
	    aead_open(c, c, len, t, a, alen, k, n) != 0 ||
	    memcmp(c, p, len) != 0) {
		printf("FAIL %s: does not open\n", what);
		fails++;
	}
}

/* draft-irtf-cfrg-xchacha-03 2.2.1 */
static void
t_hchacha(void)
{
	uint8_t k[MAXLEN], in[MAXLEN], out[32];

	unhex(k, "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f");
	unhex(in, "000000090000004a0000000031415927");
	hchacha20(out, k, in);
	check("HChaCha20 (xchacha draft 2.2.1)", out,
	    "82413b4227b27bfed30e42508a877d73"
	    "a0f9e4d58a74a853c12ec41326d3ecdc", 32);
}

/*
 * A sealed packet of the layout seal.c uses (13 bytes of AAD, 1431 of
 * text): every bit flipped in AAD, ciphertext or tag, and every
 * truncation of the text, fails to open and leaves the output as it was.
 */
static void
t_tamper(void)
{
	uint8_t key[AEAD_KEY], nonce[AEAD_NONCE], aad[SEAL_HDR];
	uint8_t p[1431], c[1431], t[AEAD_TAG], out[1431], keep[1431];
	size_t i, len = sizeof(p);
	unsigned b;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(7 * i + 1);
	memset(nonce, 0, 4);
	for (i = 4; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)i;
	for (i = 0; i < sizeof(aad); i++)
		aad[i] = (uint8_t)(0x90 + i);
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + 5);
	aead_seal(c, t, p, len, aad, sizeof(aad), key, nonce);
	memset(out, 0xA5, sizeof(out));
	memcpy(keep, out, sizeof(out));
	for (i = 0; i < sizeof(aad) + len + AEAD_TAG; i++)
		for (b = 0; b < 8; b++) {
			uint8_t *q = i < sizeof(aad) ? aad + i :
			    i < sizeof(aad) + len ? c + i - sizeof(aad) :
			    t + i - sizeof(aad) - len;

			*q ^= (uint8_t)(1 << b);
			ntamper++;
			if (aead_open(out, c, len, t, aad, sizeof(aad), key,
			    nonce) != -1 || memcmp(out, keep, len) != 0) {
				printf("FAIL tamper: byte %zu bit %u opens\n",
				    i, b);
				fails++;
			}
			*q ^= (uint8_t)(1 << b);
		}
	for (i = 0; i < len; i++) {
		ntamper++;
		if (aead_open(out, c, i, t, aad, sizeof(aad), key, nonce) !=
		    -1) {
			printf("FAIL tamper: truncated to %zu opens\n", i);
			fails++;
		}
	}
	/* Another key, another nonce. */
	key[31] ^= 1;
	ntamper++;
	if (aead_open(out, c, len, t, aad, sizeof(aad), key, nonce) != -1) {
		printf("FAIL tamper: another key opens\n");
		fails++;
	}
	key[31] ^= 1;
	nonce[11] ^= 1;
	ntamper++;
	if (aead_open(out, c, len, t, aad, sizeof(aad), key, nonce) != -1) {
		printf("FAIL tamper: another nonce opens\n");
		fails++;
	}
	nonce[11] ^= 1;
	nvec++;
	if (aead_open(out, c, len, t, aad, sizeof(aad), key, nonce) != 0 ||
	    memcmp(out, p, len) != 0) {
		printf("FAIL tamper: the packet itself does not open\n");
		fails++;
	}
	nvec++;
	if (!aead_equal(t, t, AEAD_TAG) || aead_equal(p, c, 16)) {
		printf("FAIL aead_equal\n");
		fails++;
	}
}

#define ZERO32	"00000000000000000000000000000000" \
		"00000000000000000000000000000000"
#define KEY0_1	"00000000000000000000000000000000" \
		"00000000000000000000000000000001"
#define KEY1C	"1c9240a5eb55d38af333888604f6b5f0" \
		"473917c1402b80099dca5cbc207075c0"
#define KEYSEQ	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define KEY80	"808182838485868788898a8b8c8d8e8f" \
		"909192939495969798999a9b9c9d9e9f"
#define SUNSCREEN \
	"4c616469657320616e642047656e746c656d656e206f662074686520636c6173" \
	"73206f66202739393a204966204920636f756c64206f6666657220796f75206f" \
	"6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73" \
	"637265656e20776f756c642062652069742e"
#define IETF \
	"416e79207375626d697373696f6e20746f20746865204945544620696e74656e" \
	"6465642062792074686520436f6e7472696275746f7220666f72207075626c69" \
	"636174696f6e20617320616c6c206f722070617274206f6620616e2049455446" \
	"20496e7465726e65742d4472616674206f722052464320616e6420616e792073" \
	"746174656d656e74206d6164652077697468696e2074686520636f6e74657874" \
	"206f6620616e204945544620616374697669747920697320636f6e7369646572" \
	"656420616e20224945544620436f6e747269627574696f6e222e205375636820" \
	"73746174656d656e747320696e636c756465206f72616c2073746174656d656e" \
	"747320696e20494554462073657373696f6e732c2061732077656c6c20617320" \
	"7772697474656e20616e6420656c656374726f6e696320636f6d6d756e696361" \
	"74696f6e73206d61646520617420616e792074696d65206f7220706c6163652c" \
	"207768696368206172652061646472657373656420746f"
#define JABBER \
	"2754776173206272696c6c69672c20616e642074686520736c6974687920746f" \
	"7665730a446964206779726520616e642067696d626c6520696e207468652077" \
	"6162653a0a416c6c206d696d737920776572652074686520626f726f676f7665" \
	"732c0a416e6420746865206d6f6d65207261746873206f757467726162652e"

int
main(void)
{
	t_quarter();
	t_block("2.3.2 block", KEYSEQ, "000000090000004a00000000", 1,
	    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
	t_xor("2.4.2 encryption", KEYSEQ, "000000000000004a00000000", 1,
	    SUNSCREEN,
	    "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
	    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
	    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
	    "5af90bbf74a35be6b40b8eedf2785e42874d");
	t_poly("2.5.2 Poly1305",
	    "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
	    "43727970746f6772617068696320466f72756d2052657365617263682047726f"
	    "7570", "a8061dc1305136c6c22b8baf0c0127a9");
	t_keygen("2.6.2 key generation", KEY80, "000000000001020304050607",
	    "8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646");
	t_aead("2.8.2 AEAD", KEY80, "070000004041424344454647",
	    "50515253c0c1c2c3c4c5c6c7", SUNSCREEN,
	    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	    "3ff4def08e4b7a9de576d26586cec64b6116",
	    "1ae10b594f09e26a7e902ecbd0600691");

	/* A.1: the block function. */
	t_block("A.1 #1", ZERO32, "000000000000000000000000", 0,
	    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
	t_block("A.1 #2", ZERO32, "000000000000000000000000", 1,
	    "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
	    "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
	t_block("A.1 #3", KEY0_1, "000000000000000000000000", 1,
	    "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
	    "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
	t_block("A.1 #4", "00ff0000000000000000000000000000"
	    "00000000000000000000000000000000", "000000000000000000000000", 2,
	    "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
	    "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096");
	t_block("A.1 #5", ZERO32, "000000000000000000000002", 0,
	    "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
	    "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d");

	/* A.2: encryption. */
	t_xor("A.2 #1", ZERO32, "000000000000000000000000", 0, ZERO32 ZERO32,
	    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
	t_xor("A.2 #2", KEY0_1, "000000000000000000000002", 1, IETF,
	    "a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec"
	    "2a97948bd3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d"
	    "4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e527950"
	    "42bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85a"
	    "d00f8449ed8f72d0d662ab052691ca66424bc86d2df80ea41f43abf937d3259d"
	    "c4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b"
	    "0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6c"
	    "cc3aaf9f3979c92b3720fc88dc95ed84a1be059c6499b9fda236e7e818b04b0b"
	    "c39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f"
	    "5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e6"
	    "98ced759c3ff9b6477338f3da4f9cd8514ea9982ccafb341b2384dd902f3d1ab"
	    "7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221");
	t_xor("A.2 #3", KEY1C, "000000000000000000000002", 42, JABBER,
	    "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf"
	    "166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb"
	    "f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77"
	    "04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1");

	/* A.3: Poly1305. */
	t_poly("A.3 #1", ZERO32, ZERO32 ZERO32,
	    "00000000000000000000000000000000");
	t_poly("A.3 #2", "00000000000000000000000000000000"
	    "36e5f6b5c5e06070f0efca96227a863e", IETF,
	    "36e5f6b5c5e06070f0efca96227a863e");
	t_poly("A.3 #3", "36e5f6b5c5e06070f0efca96227a863e"
	    "00000000000000000000000000000000", IETF,
	    "f3477e7cd95417af89a6b8794c310cf0");
	t_poly("A.3 #4", KEY1C, JABBER, "4541669a7eaaee61e708dc7cbcc5eb62");
	t_poly("A.3 #5", "02000000000000000000000000000000"
	    "00000000000000000000000000000000",
	    "ffffffffffffffffffffffffffffffff",
	    "03000000000000000000000000000000");
	t_poly("A.3 #6", "02000000000000000000000000000000"
	    "ffffffffffffffffffffffffffffffff",
	    "02000000000000000000000000000000",
	    "03000000000000000000000000000000");
	t_poly("A.3 #7", "01000000000000000000000000000000"
	    "00000000000000000000000000000000",
	    "ffffffffffffffffffffffffffffffff"
	    "f0ffffffffffffffffffffffffffffff"
	    "11000000000000000000000000000000",
	    "05000000000000000000000000000000");
	t_poly("A.3 #8", "01000000000000000000000000000000"
	    "00000000000000000000000000000000",
	    "ffffffffffffffffffffffffffffffff"
	    "fbfefefefefefefefefefefefefefefe"
	    "01010101010101010101010101010101",
	    "00000000000000000000000000000000");
	t_poly("A.3 #9", "02000000000000000000000000000000"
	    "00000000000000000000000000000000",
	    "fdffffffffffffffffffffffffffffff",
	    "faffffffffffffffffffffffffffffff");
	t_poly("A.3 #10", "01000000000000000400000000000000"
	    "00000000000000000000000000000000",
	    "e33594d7505e43b90000000000000000"
	    "3394d7505e4379cd0100000000000000"
	    "00000000000000000000000000000000"
	    "01000000000000000000000000000000",
	    "14000000000000005500000000000000");
	t_poly("A.3 #11", "01000000000000000400000000000000"
	    "00000000000000000000000000000000",
	    "e33594d7505e43b90000000000000000"
	    "3394d7505e4379cd0100000000000000"
	    "00000000000000000000000000000000",
	    "13000000000000000000000000000000");

	/* A.4: key generation. */
	t_keygen("A.4 #1", ZERO32, "000000000000000000000000",
	    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7");
	t_keygen("A.4 #2", KEY0_1, "000000000000000000000002",
	    "ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739");
	t_keygen("A.4 #3", KEY1C, "000000000000000000000002",
	    "965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae");

	/* A.5: the AEAD, decryption (and sealing back). */
	t_aead("A.5", KEY1C, "000000000102030405060708",
	    "f33388860000000000004e91",
	    "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
	    "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
	    "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
	    "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
	    "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
	    "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
	    "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
	    "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
	    "726573732e2fe2809d",
	    "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
	    "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
	    "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
	    "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
	    "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
	    "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
	    "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
	    "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
	    "a6ad5cb4022b02709b",
	    "eead9d67890cbb22392336fea1851f38");

	t_hchacha();
	t_tamper();
	printf("aead (ChaCha20 %s): %d vectors, %d tamper checks, %d failed\n",
	    chacha_impl(), nvec, ntamper, fails);
	return fails ? 1 : 0;
}
