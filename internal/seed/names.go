package seed

import (
	"fmt"

	"github.com/duban-gov/duban/slip"
)

// dept is a department Run may create, with what kind of unit it is.
type dept struct {
	slip.Department
	kind unitKind
}

// departmentList names n departments: the municipal bureaus, then the
// districts and counties, then their street offices (街道办事处) and towns
// (镇人民政府), taken district by district in turn so that every district
// has some.
func departmentList(n int) []dept {
	out := make([]dept, 0, n)
	for _, b := range bureaus {
		out = append(out, dept{slip.Department{Code: b[0], Name: b[1]}, kindBureau})
	}
	for _, d := range districts {
		out = append(out, dept{slip.Department{Code: d.code, Name: d.name}, kindDistrict})
	}
	for j := range streets {
		for _, d := range districts {
			out = append(out, dept{slip.Department{
				Code: fmt.Sprintf("%s-%02d", d.code, j+1), Name: d.short + d.places[j] + d.street + d.office, ParentCode: d.code,
			}, kindStreet})
		}
	}
	return out[:min(n, len(out))]
}

// bureaus are the municipal departments, by code and name. The codes of
// the first three match the demo departments of `duban dev`.
var bureaus = [][2]string{
	{"fgw", "市发展和改革委员会"}, {"zjj", "市住房和城乡建设局"}, {"jtj", "市交通运输局"},
	{"jyj", "市教育局"}, {"kjj", "市科学技术局"}, {"gxj", "市工业和信息化局"},
	{"gaj", "市公安局"}, {"mzj", "市民政局"}, {"sfj", "市司法局"},
	{"czj", "市财政局"}, {"rsj", "市人力资源和社会保障局"}, {"zrzyj", "市自然资源和规划局"},
	{"sthjj", "市生态环境局"}, {"slj", "市水利局"}, {"nyncj", "市农业农村局"},
	{"swj", "市商务局"}, {"wlj", "市文化广电旅游局"}, {"wjw", "市卫生健康委员会"},
	{"tyjrj", "市退役军人事务局"}, {"yjglj", "市应急管理局"}, {"sjj", "市审计局"},
	{"gzw", "市人民政府国有资产监督管理委员会"}, {"scjgj", "市市场监督管理局"}, {"tyj", "市体育局"},
	{"tjj", "市统计局"}, {"ybj", "市医疗保障局"}, {"cgj", "市城市管理局"},
	{"xzspj", "市行政审批服务局"}, {"xfj", "市信访局"}, {"sjglj", "市数据局"},
	{"jrb", "市委金融办"}, {"jgswj", "市机关事务管理局"}, {"lyj", "市林业局"},
	{"ylj", "市园林绿化局"}, {"lsj", "市粮食和物资储备局"}, {"rfb", "市人民防空办公室"},
	{"zfb", "市人民政府办公室"}, {"mzw", "市民族宗教事务委员会"}, {"jjzd", "市公安局交通警察支队"},
	{"xfzd", "市消防救援支队"}, {"swju", "国家税务总局市税务局"}, {"gdgs", "国网市供电公司"},
	{"rqjt", "市燃气集团有限公司"}, {"swjt", "市水务集团有限公司"}, {"ctjt", "市城市建设投资集团"},
	{"qxj", "市气象局"}, {"yzglj", "市邮政管理局"}, {"zgh", "市总工会"},
	{"fl", "市妇女联合会"}, {"cl", "市残疾人联合会"},
}

// area is a district or county and how its streets or towns are named.
type area struct {
	code, name, short string
	street, office    string   // 街道 + 办事处, or 镇 + 人民政府
	places            []string // names of its streets or towns
}

var districts = []area{
	{"dcq", "东城区人民政府", "东城区", "街道", "办事处", streets},
	{"xcq", "西城区人民政府", "西城区", "街道", "办事处", streets},
	{"nhq", "南湖区人民政府", "南湖区", "街道", "办事处", streets},
	{"bsq", "北山区人民政府", "北山区", "街道", "办事处", streets},
	{"ljq", "临江区人民政府", "临江区", "街道", "办事处", streets},
	{"gxq", "高新区管理委员会", "高新区", "街道", "办事处", streets},
	{"jkq", "经开区管理委员会", "经开区", "街道", "办事处", streets},
	{"qsx", "青山县人民政府", "青山县", "镇", "人民政府", towns},
	{"smx", "石门县人民政府", "石门县", "镇", "人民政府", towns},
	{"bhx", "白河县人民政府", "白河县", "镇", "人民政府", towns},
}

// streets and towns name a district's streets and a county's towns;
// both lists have the same length.
var (
	streets = []string{
		"人民路", "解放路", "和平", "建设", "新华", "文化", "胜利", "光明", "中山", "长江", "朝阳", "东风",
		"红旗", "幸福", "滨江", "白云", "金桥", "南门", "北关", "西湖", "东湖", "站前", "府前", "大学城",
	}
	towns = []string{
		"城关", "龙泉", "凤凰", "石桥", "白沙", "黄龙", "清溪", "柳林", "三河", "马坊", "杨柳", "双塔",
		"高桥", "新集", "古城", "青石", "桃源", "梅林", "槐树", "河口", "岭南", "东岗", "西坝", "金鸡",
	}
)

// category is a kind of work: who usually leads it, which city leader is
// in charge, and what its slips say.
type category struct {
	leader string
	owners []string
	titles []string
}

var categories = map[string]category{
	"营商环境": {"王常务副市长", []string{"fgw", "scjgj", "xzspj", "swj", "gxj", "sjglj"}, []string{
		"解决{company}用电报装周期长问题", "推进{d}“高效办成一件事”改革", "清理拖欠{d}中小企业账款",
		"压缩{d}工程建设项目审批时间至{n}个工作日", "整治涉企违规收费问题", "落实{d}惠企政策直达快享"}},
	"城市建设": {"李副市长", []string{"zjj", "cgj", "zrzyj", "ylj", "ctjt"}, []string{
		"推进{c}老旧小区改造", "整治{r}占道经营和乱停乱放问题", "解决{c}雨污管网混接问题",
		"加快{r}道路改造工程进度", "完成{s}背街小巷整治提升", "推进{c}加装电梯工作"}},
	"生态环保": {"刘副市长", []string{"sthjj", "slj", "cgj", "lyj"}, []string{
		"整改{river}水质超标问题", "治理{s}餐饮油烟扰民问题", "整治{d}建筑工地扬尘污染",
		"清理{river}沿岸垃圾堆放点", "推进{d}黑臭水体治理", "整改{company}超标排放问题"}},
	"民生保障": {"陈副市长", []string{"mzj", "rsj", "ybj", "tyjrj", "swjt", "rqjt"}, []string{
		"解决{c}供暖不达标问题", "推进{s}社区养老服务中心建设", "解决{c}停车难问题",
		"落实{d}困难群众救助政策", "解决{c}二次供水水压不足问题", "推进{s}菜市场提档升级"}},
	"安全生产": {"杨副市长", []string{"yjglj", "gaj", "xfzd", "jtj", "rqjt"}, []string{
		"开展{d}燃气安全专项整治", "整改{company}消防安全隐患", "排查{d}自建房安全隐患",
		"整治{r}交通事故多发路段", "加强{s}电动自行车充电安全管理"}},
	"乡村振兴": {"赵副市长", []string{"nyncj", "slj", "lyj"}, []string{
		"推进{s}农村人居环境整治", "完成{d}高标准农田建设任务", "解决{s}农村饮水安全问题",
		"推进{d}特色产业发展", "整改{s}农村公路安全隐患"}},
	"项目建设": {"王常务副市长", []string{"fgw", "zrzyj", "zjj", "czj", "ctjt"}, []string{
		"加快{project}建设进度", "解决{project}征地拆迁遗留问题", "推进{project}开工建设", "协调{project}要素保障"}},
	"信访积案": {"周秘书长", []string{"xfj", "zjj", "rsj", "sfj"}, []string{
		"化解{c}房产证办理遗留问题", "解决{c}业主与物业纠纷", "处理{company}拖欠农民工工资问题", "化解{d}征收补偿信访积案"}},
	"教育医疗": {"陈副市长", []string{"jyj", "wjw", "ybj"}, []string{
		"解决{d}义务教育学位紧张问题", "推进{d}人民医院新院区建设", "完善{s}社区卫生服务中心功能", "规范{d}校外培训机构管理"}},
	"交通出行": {"李副市长", []string{"jtj", "jjzd", "gaj", "ctjt"}, []string{
		"优化{r}公交线路和站点设置", "解决{r}早晚高峰拥堵问题", "推进{project}通车工作", "完善{d}公共充电设施布局"}},
}

var (
	roads = []string{"中山路", "解放大道", "人民路", "建设路", "滨江大道", "朝阳路", "长江路", "黄河路",
		"北京路", "上海路", "新华路", "文化路", "迎宾大道", "环城东路", "环城西路", "工业大道"}
	communities = []string{"幸福里", "阳光花园", "锦绣家园", "翠苑", "金色家园", "和谐新村", "电力新村", "纺织厂宿舍",
		"机械厂宿舍", "春晖园", "桂花园", "丽景湾", "明珠花园", "东方名城", "滨江一号", "书香门第"}
	companies = []string{"市第二纺织厂", "华兴建材有限公司", "恒达物流园", "东方商贸城", "城南农贸市场",
		"鑫源化工有限公司", "宏远建筑工程公司", "明星机械厂", "金桥工业园", "新天地购物广场"}
	rivers   = []string{"青山河", "白河", "南湖", "清水河", "护城河", "龙溪"}
	projects = []string{"地铁3号线一期工程", "城东污水处理厂扩建工程", "市第一人民医院新院区", "高铁站综合交通枢纽",
		"环城快速路东段", "滨江公园二期", "市体育中心", "智能制造产业园", "保障性租赁住房项目", "城北片区棚户区改造"}
	requirements = []string{"制定整改方案，明确责任人和时间节点", "实行挂图作战、对账销号", "举一反三，建立长效机制",
		"每周报送工作进展", "加强统筹协调，确保按期完成"}
	officeClerks     = []string{"督查室张敏", "督查室王磊", "督查室刘洋", "督查室陈静"}
	clerks           = []string{"李强", "王芳", "赵军", "孙丽", "周伟", "吴敏", "郑涛", "冯雪", "何平", "许婷"}
	cancelReasons    = []string{"事项已由上级统一部署，撤销本次交办", "经核实，事项不属于交办范围", "与其他交办事项重复，予以撤销"}
	sendBackComments = []string{"整改不彻底，现场仍有问题", "佐证材料不全，请补充完善", "群众仍不满意，请继续跟进",
		"办理结果与交办要求不符，请重新办理"}
	extensionReasons = []string{"涉及跨部门协调，需延长办理时限", "受天气影响，施工进度滞后", "需等待上级审批",
		"资金尚未到位，需调整计划"}
	progressTexts = []string{"已制定工作方案，明确责任分工，完成约%d%%", "已召开专题协调会，完成总工作量的%d%%",
		"已完成现场排查，正在组织整改，进度%d%%", "按计划推进，已完成%d%%"}
	resolveSummaries = []string{"已按要求完成整改，经现场核查达到预期目标", "已全部办结，群众满意",
		"已完成整改并建立长效管理机制"}
	partSummaries = []string{"已按分工完成配合事项，材料已报牵头单位", "职责范围内的整改任务已完成",
		"已完成协办事项并参加联合验收"}
	evidence = [][]string{{"整改报告.pdf", "现场照片.zip"}, {"验收报告.pdf"}, {"办理情况说明.docx", "整改前后对比照片.zip"}}
)
