package io.cifpipe.harness;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/** Good and bad Entra tokens from the stack's mock-oauth2-server, for the authentication matrix. */
public final class Tokens {
    private final MockOAuth2Server idp;
    private final String audience;

    public Tokens(MockOAuth2Server idp, String audience) {
        this.idp = idp;
        this.audience = audience;
    }

    /** A telephony app token (client credentials) with the given app roles. */
    public String app(List<String> roles) {
        return idp.issueToken(
                        Stack.ISSUER_ID,
                        "telephony",
                        audience,
                        Map.of("oid", "11111111-aaaa-4bbb-8ccc-000000000001", "roles", roles, "idtyp", "app"),
                        600)
                .serialize();
    }

    /** An agent's delegated token: oid = the SignalR user id. */
    public String agent(String oid) {
        return idp.issueToken(
                        Stack.ISSUER_ID,
                        oid,
                        audience,
                        Map.of("oid", oid, "scp", "user_impersonation", "name", "Agent " + oid),
                        600)
                .serialize();
    }

    public String expired(String oid) {
        return idp.issueToken(
                        Stack.ISSUER_ID,
                        oid,
                        audience,
                        Map.of("oid", oid, "scp", "user_impersonation", "roles", List.of("Calls.Send")),
                        -600)
                .serialize();
    }

    public String wrongAudience(String oid) {
        return idp.issueToken(
                        Stack.ISSUER_ID,
                        oid,
                        "api://someone-else",
                        Map.of("oid", oid, "scp", "user_impersonation", "roles", List.of("Calls.Send")),
                        600)
                .serialize();
    }

    /** Signed by the same server but under another issuer id: a valid signature, a foreign {@code iss}. */
    public String wrongIssuer(String oid) {
        return idp.issueToken(
                        "other-tenant",
                        oid,
                        audience,
                        Map.of("oid", oid, "scp", "user_impersonation", "roles", List.of("Calls.Send")),
                        600)
                .serialize();
    }

    /** The claims of a good token re-signed with an attacker's RSA key under the real key's kid. */
    public String forged(String goodToken) {
        try {
            SignedJWT good = SignedJWT.parse(goodToken);
            RSAKey attacker =
                    new RSAKeyGenerator(2048).keyID(good.getHeader().getKeyID()).generate();
            SignedJWT forged = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(attacker.getKeyID())
                            .build(),
                    good.getJWTClaimsSet());
            forged.sign(new RSASSASigner(attacker));
            return forged.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A good token whose payload was swapped for one naming another user, keeping the original signature. */
    public String tampered(String goodToken, String otherOid) {
        try {
            SignedJWT good = SignedJWT.parse(goodToken);
            JWTClaimsSet changed = new JWTClaimsSet.Builder(good.getJWTClaimsSet())
                    .claim("oid", otherOid)
                    .subject(otherOid)
                    .build();
            String[] parts = goodToken.split("\\.");
            String payload = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(changed.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return parts[0] + "." + payload + "." + parts[2];
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: the claims of a good token, unsigned. */
    public String algNone(String goodToken) {
        try {
            return new PlainJWT(SignedJWT.parse(goodToken).getJWTClaimsSet()).serialize();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 with a guessable secret: the key-confusion attack on validators that accept HMAC. */
    public String hs256(String goodToken) {
        try {
            SignedJWT t = new SignedJWT(
                    new JWSHeader(JWSAlgorithm.HS256),
                    SignedJWT.parse(goodToken).getJWTClaimsSet());
            t.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return t.serialize();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A correctly signed token of this issuer and audience whose {@code exp}, {@code nbf} and {@code iat} are the
     * given offsets from now (seconds; negative = in the past): the clock-skew cases. Carries the agent scope and
     * the Calls.Send role, so it is good for negotiate and for ingress alike.
     */
    public String skewed(String oid, long expFromNow, long nbfFromNow, long iatFromNow) {
        java.time.Instant now = java.time.Instant.now();
        Map<String, Object> claims = new java.util.LinkedHashMap<>();
        claims.put("iss", idp.issuerUrl(Stack.ISSUER_ID).toString().replaceAll("/$", ""));
        claims.put("aud", audience);
        claims.put("sub", oid);
        claims.put("oid", oid);
        claims.put("scp", "user_impersonation");
        claims.put("roles", List.of("Calls.Send"));
        claims.put("exp", Date.from(now.plusSeconds(expFromNow)));
        claims.put("nbf", Date.from(now.plusSeconds(nbfFromNow)));
        claims.put("iat", Date.from(now.plusSeconds(iatFromNow)));
        return idp.getConfig()
                .getTokenProvider()
                .jwt(claims, java.time.Duration.ofHours(1), Stack.ISSUER_ID)
                .serialize();
    }

    /**
     * A SignalR client access token signed with the service's AccessKey (what presence's negotiate mints) for
     * {@code <endpoint>/client/?hub=<hub>}, with exp and nbf at the given offsets from now.
     */
    public static String signalRClientToken(
            String accessKey, String endpoint, String hub, String userId, long expFromNow, long nbfFromNow) {
        java.time.Instant now = java.time.Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(endpoint.replaceAll("/$", "") + "/client/?hub=" + hub)
                .claim("nameid", userId)
                .issueTime(Date.from(now.plusSeconds(nbfFromNow)))
                .notBeforeTime(Date.from(now.plusSeconds(nbfFromNow)))
                .expirationTime(Date.from(now.plusSeconds(expFromNow)))
                .build();
        try {
            SignedJWT t = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(com.nimbusds.jose.JOSEObjectType.JWT)
                            .build(),
                    claims);
            t.sign(new MACSigner(accessKey.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return t.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Date inSeconds(long s) {
        return new Date(System.currentTimeMillis() + s * 1000);
    }
}
