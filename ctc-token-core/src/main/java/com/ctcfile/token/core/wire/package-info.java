/**
 * The wire codec of the CTC token endpoint. It reads JSON by hand (a strict RFC 8259 reader of one
 * object), so that ctc-token brings no JSON library into an application.
 *
 * <p>Supported for tools and tests: {@link com.ctcfile.token.core.wire.TokenRequestUri} (the token
 * request, its values percent-encoded) and {@link com.ctcfile.token.core.wire.JsonStrings} (JSON string
 * quoting). <b>Not supported</b>, public only because core's manager in the parent package decodes
 * replies with them: {@link com.ctcfile.token.core.wire.TokenReplyDecoder} and
 * {@link com.ctcfile.token.core.wire.TokenReply}; they may change in any release. See
 * docs/ARCHITECTURE.md, "What users may import".
 */
package com.ctcfile.token.core.wire;
