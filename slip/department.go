package slip

import (
	"regexp"
	"strings"
)

// Department is a responsible department (责任单位): the unit that leads or
// helps with a slip. Departments may nest under a parent.
type Department struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
}

var departmentCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)

// Normalize trims surrounding white space.
func (d *Department) Normalize() {
	d.Code = strings.TrimSpace(d.Code)
	d.Name = strings.TrimSpace(d.Name)
	d.ParentCode = strings.TrimSpace(d.ParentCode)
}

// Validate checks the department's shape.
func (d Department) Validate() error {
	if !departmentCode.MatchString(d.Code) {
		return Invalid("code", "单位编码须为 1–32 位字母、数字、点、下划线或连字符，收到 %q", d.Code)
	}
	if d.Name == "" {
		return Invalid("name", "请填写单位名称")
	}
	if err := checkText("name", d.Name, MaxShortText); err != nil {
		return err
	}
	if d.ParentCode == d.Code {
		return Invalid("parent_code", "上级单位不能是本单位")
	}
	if d.ParentCode != "" && !departmentCode.MatchString(d.ParentCode) {
		return Invalid("parent_code", "上级单位编码无效")
	}
	return nil
}
