package evidence

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
)

// Type is a kind of file duban accepts as evidence.
type Type struct {
	// MIME is the content type files of this type are served with.
	MIME string
	// Label names the type in Chinese for messages.
	Label string
	// Exts are the file name extensions (lower case, with the dot) a file
	// of this type may carry.
	Exts []string
	// Inline types are shown in the browser (images, PDF); the others are
	// downloaded.
	Inline bool
	// match reports whether the file's first bytes are of this type.
	match func(head []byte) bool
}

func prefix(p string) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, []byte(p)) }
}

// isZip: Office Open XML documents (docx, xlsx, pptx) are ZIP archives.
var isZip = prefix("PK\x03\x04")

// isOLE: the compound file of Office 97–2003 documents (doc, xls, ppt).
var isOLE = prefix("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")

// isISOBMFF reports an ISO base media file (HEIC/HEIF photos from phones)
// whose major brand is one of brands.
func isISOBMFF(brands ...string) func([]byte) bool {
	return func(h []byte) bool {
		return len(h) >= 12 && string(h[4:8]) == "ftyp" && slices.Contains(brands, string(h[8:12]))
	}
}

// Types lists every accepted type. Anything else — executables, scripts,
// archives, HTML — is refused, whatever its name says.
var Types = []Type{
	{MIME: "image/jpeg", Label: "JPEG 图片", Exts: []string{".jpg", ".jpeg"}, Inline: true, match: prefix("\xFF\xD8\xFF")},
	{MIME: "image/png", Label: "PNG 图片", Exts: []string{".png"}, Inline: true, match: prefix("\x89PNG\r\n\x1a\n")},
	{MIME: "image/gif", Label: "GIF 图片", Exts: []string{".gif"}, Inline: true, match: func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("GIF87a")) || bytes.HasPrefix(h, []byte("GIF89a"))
	}},
	{MIME: "image/webp", Label: "WebP 图片", Exts: []string{".webp"}, Inline: true, match: func(h []byte) bool {
		return len(h) >= 12 && string(h[0:4]) == "RIFF" && string(h[8:12]) == "WEBP"
	}},
	{MIME: "image/heic", Label: "HEIC 照片", Exts: []string{".heic", ".heif"}, Inline: false, match: isISOBMFF("heic", "heix", "mif1", "msf1", "heif")},
	{MIME: "application/pdf", Label: "PDF 文档", Exts: []string{".pdf"}, Inline: true, match: prefix("%PDF-")},
	{MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Label: "Word 文档", Exts: []string{".docx"}, match: isZip},
	{MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Label: "Excel 表格", Exts: []string{".xlsx"}, match: isZip},
	{MIME: "application/vnd.openxmlformats-officedocument.presentationml.presentation", Label: "PowerPoint 演示文稿", Exts: []string{".pptx"}, match: isZip},
	{MIME: "application/msword", Label: "Word 文档", Exts: []string{".doc"}, match: isOLE},
	{MIME: "application/vnd.ms-excel", Label: "Excel 表格", Exts: []string{".xls"}, match: isOLE},
	{MIME: "application/vnd.ms-powerpoint", Label: "PowerPoint 演示文稿", Exts: []string{".ppt"}, match: isOLE},
}

// SniffLen is how many leading bytes Sniff needs.
const SniffLen = 512

// Sniff returns the type of a file from its first bytes and its name. The
// content decides: the name's extension must be one of the type's, so an
// executable renamed .jpg is refused (its bytes are no JPEG), and so is a
// JPEG named .pdf (a reader would be misled). ZIP and OLE containers are
// told apart only by the extension, which is safe: both are inert to a
// browser served with the Office content type and as an attachment.
func Sniff(head []byte, filename string) (Type, error) {
	ext := strings.ToLower(filepath.Ext(filename))
	matched := false
	for _, t := range Types {
		if !t.match(head) {
			continue
		}
		matched = true
		if slices.Contains(t.Exts, ext) {
			return t, nil
		}
	}
	if matched {
		return Type{}, &TypeError{Name: filename, Reason: "文件内容与扩展名“" + ext + "”不符"}
	}
	return Type{}, &TypeError{Name: filename, Reason: "文件内容不是可接受的类型"}
}

// Accepted is the list of accepted extensions, for messages and the
// file picker's accept attribute.
func Accepted() []string {
	var out []string
	for _, t := range Types {
		for _, e := range t.Exts {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}
