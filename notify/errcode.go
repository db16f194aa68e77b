package notify

import "fmt"

// The robots answer almost everything with HTTP 200 and a body
// {"errcode":N,"errmsg":"…"}; errcode 0 is success. These tables say which
// non-zero codes are worth a retry. Codes not listed are treated as
// retryable: the platform said the message was not delivered, so a retry
// cannot duplicate it, and Temporal's retry policy bounds the cost of
// retrying a code that turns out to be permanent, while calling an
// unknown-but-transient code permanent would silently lose a 催办. Add a code
// here when operations meet a new permanent one.

// errCode is what we know about one platform error code.
type errCode struct {
	retryable bool
	reason    string // Chinese, for the clerk
}

// dingTalkErrCodes are the 钉钉自定义机器人 codes we know.
var dingTalkErrCodes = map[int]errCode{
	-1:     {true, "钉钉系统繁忙"},
	130101: {true, "发送太频繁，钉钉限制每个机器人每分钟最多 20 条"},
	410100: {true, "发送太频繁，被钉钉限流"},
	300001: {false, "access_token 无效，请重新复制机器人的 Webhook 地址"},
	300005: {false, "access_token 不存在，请重新复制机器人的 Webhook 地址"},
	310000: {false, "安全设置校验未通过：消息不含自定义关键词、加签密钥不符或本机 IP 不在白名单"},
	400013: {false, "群已被解散"},
	400101: {false, "access_token 不存在，请重新复制机器人的 Webhook 地址"},
	400102: {false, "机器人已停用"},
	400105: {false, "钉钉不支持此消息类型"},
	400106: {false, "机器人不存在"},
	430101: {false, "消息含有不安全的外链，被钉钉拦截"},
	430102: {false, "消息含有不合适的文本，被钉钉拦截"},
	430103: {false, "消息含有不合适的图片，被钉钉拦截"},
	430104: {false, "消息含有不合适的内容，被钉钉拦截"},
}

// weComErrCodes are the 企业微信群机器人 codes we know.
var weComErrCodes = map[int]errCode{
	-1:    {true, "企业微信系统繁忙"},
	45009: {true, "发送太频繁，企业微信限制每个机器人每分钟最多 20 条"},
	45033: {true, "并发请求过多，被企业微信限流"},
	93000: {false, "Webhook 地址无效（key 错误或机器人已被删除）"},
	93004: {false, "机器人已被停用"},
	93008: {false, "机器人已不在群里"},
	40008: {false, "企业微信不支持此消息类型"},
	40058: {false, "企业微信认为消息参数不合法（例如内容过长）"},
	44004: {false, "消息内容为空"},
}

// classifyErrCode says whether a non-zero errcode from ch is worth a retry
// and why it happened. The errmsg of a code we do not know is not repeated:
// it is part of the receiver's answer, which a department never reads.
func classifyErrCode(ch Channel, code int) errCode {
	table := weComErrCodes
	if ch == DingTalk {
		table = dingTalkErrCodes
	}
	if c, ok := table[code]; ok {
		return c
	}
	return errCode{retryable: true, reason: fmt.Sprintf("%s返回未知错误码 %d", ch.Label(), code)}
}
