/** Vietnamese words and phrases the generator draws from, so the data reads like the real thing. */

export const PLACE_WORDS = [
  'An',
  'Bình',
  'Hòa',
  'Phú',
  'Tân',
  'Thạnh',
  'Long',
  'Phước',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Hưng',
  'Thịnh',
  'Lộc',
  'Thuận',
  'Mỹ',
  'Hiệp',
  'Lợi',
  'Sơn',
  'Thủy',
  'Hải',
  'Trung',
  'Quang',
  'Minh',
  'Vĩnh',
  'Xuân',
  'Hương',
  'Đức',
  'Thành',
  'Cát',
  'Kim',
  'Ngọc',
  'Hồng',
  'Lam',
  'Yên',
  'Phong',
  'Châu',
  'Định',
  'Khánh',
  'Gia',
  'Tiến',
  'Hợp',
  'Tường',
  'Quý',
  'Thái',
  'Lạc',
  'Thượng',
  'Hạ',
  'Cẩm',
  'Đại',
  'Trường',
  'Thắng',
  'Nghĩa',
  'Tín',
  'Hậu',
  'Mai',
];

export const CELL_KINDS = ['Chi bộ Thôn', 'Chi bộ Tổ dân phố', 'Chi bộ Ấp', 'Chi bộ Khu phố', 'Chi bộ Bản'];

export const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
export const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Quang', 'Thanh', 'Hữu', 'Ngọc', 'Đức', 'Kim', 'Xuân', 'Hoài'];
export const GIVEN = [
  'An',
  'Bình',
  'Chi',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hiếu',
  'Hoa',
  'Hùng',
  'Hương',
  'Khoa',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Minh',
  'Nam',
  'Nga',
  'Phong',
  'Phương',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Trung',
  'Tuấn',
  'Vinh',
  'Yến',
];

export const RESPONSIBLE = [
  'Phó Chủ tịch UBND tỉnh',
  'Giám đốc Sở',
  'Chủ tịch UBND cấp xã',
  'Phó Bí thư Đảng ủy',
  'Bí thư chi bộ',
  'Trưởng thôn',
  'Công chức Văn phòng - Thống kê',
];

export interface Theme {
  title: string;
  description: string;
  indicator: [name: string, unit: string, baseline: number, target: number, lowerIsBetter: boolean];
}

/** A handful of themes per resolution; sub-tasks take the theme's title and their unit's name. */
export const THEMES: Record<string, Theme[]> = {
  '57-NQ/TW': [
    {
      title: 'Số hóa hồ sơ thủ tục hành chính',
      description: 'Số hóa toàn bộ hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực.',
      indicator: ['Tỷ lệ hồ sơ được số hóa', '%', 40, 100, false],
    },
    {
      title: 'Phổ cập kỹ năng số cho người dân',
      description: 'Tổ chức lớp "Bình dân học vụ số" cho người dân trên địa bàn.',
      indicator: ['Số người được tập huấn', 'người', 0, 2000, false],
    },
    {
      title: 'Phát triển hạ tầng mạng 5G',
      description: 'Phủ sóng 5G tại trung tâm hành chính và khu công nghiệp.',
      indicator: ['Số trạm phát sóng 5G', 'trạm', 0, 120, false],
    },
  ],
  '59-NQ/TW': [
    {
      title: 'Thu hút đầu tư nước ngoài có chọn lọc',
      description: 'Xúc tiến đầu tư vào lĩnh vực công nghệ cao.',
      indicator: ['Vốn FDI đăng ký mới', 'triệu USD', 0, 500, false],
    },
    {
      title: 'Nâng cao năng lực hội nhập của doanh nghiệp',
      description: 'Hỗ trợ doanh nghiệp tận dụng các hiệp định thương mại tự do.',
      indicator: ['Số doanh nghiệp được hỗ trợ', 'doanh nghiệp', 0, 300, false],
    },
  ],
  '66-NQ/TW': [
    {
      title: 'Rà soát văn bản quy phạm pháp luật của địa phương',
      description: 'Rà soát, kiến nghị sửa đổi văn bản chồng chéo, mâu thuẫn.',
      indicator: ['Số văn bản được rà soát', 'văn bản', 0, 120, false],
    },
    {
      title: 'Tăng cường phổ biến, giáo dục pháp luật',
      description: 'Tuyên truyền pháp luật tại cơ sở, ưu tiên vùng sâu, vùng xa.',
      indicator: ['Số buổi tuyên truyền', 'buổi', 0, 60, false],
    },
  ],
  '68-NQ/TW': [
    {
      title: 'Rút ngắn thời gian đăng ký kinh doanh',
      description: 'Giảm thời gian giải quyết thủ tục đăng ký doanh nghiệp.',
      indicator: ['Thời gian giải quyết', 'ngày', 5, 2, true],
    },
    {
      title: 'Hỗ trợ hộ kinh doanh chuyển lên doanh nghiệp',
      description: 'Tư vấn, hỗ trợ thủ tục cho hộ kinh doanh đủ điều kiện.',
      indicator: ['Số hộ chuyển đổi', 'hộ', 0, 150, false],
    },
  ],
  '70-NQ/TW': [
    {
      title: 'Phát triển điện mặt trời mái nhà',
      description: 'Khuyến khích lắp đặt điện mặt trời mái nhà tự sản tự tiêu.',
      indicator: ['Công suất lắp đặt', 'MWp', 0, 80, false],
    },
    {
      title: 'Tiết kiệm năng lượng trong cơ quan nhà nước',
      description: 'Áp dụng giải pháp tiết kiệm điện tại trụ sở cơ quan.',
      indicator: ['Điện năng tiêu thụ', 'MWh', 1200, 1000, true],
    },
  ],
  '71-NQ/TW': [
    {
      title: 'Kiên cố hóa trường lớp học',
      description: 'Xóa phòng học tạm, phòng học mượn.',
      indicator: ['Số phòng học tạm còn lại', 'phòng', 24, 0, true],
    },
    {
      title: 'Phổ cập giáo dục mầm non cho trẻ 3-5 tuổi',
      description: 'Bảo đảm trẻ 3-5 tuổi được đến trường.',
      indicator: ['Tỷ lệ trẻ đến trường', '%', 85, 100, false],
    },
  ],
  '72-NQ/TW': [
    {
      title: 'Khám sức khỏe định kỳ cho người dân',
      description: 'Mỗi người dân được khám sức khỏe định kỳ ít nhất một lần mỗi năm.',
      indicator: ['Tỷ lệ người dân được khám', '%', 10, 100, false],
    },
    {
      title: 'Nâng cao năng lực trạm y tế xã',
      description: 'Bổ sung trang thiết bị, nhân lực cho trạm y tế.',
      indicator: ['Số trạm y tế đạt chuẩn', 'trạm', 0, 40, false],
    },
  ],
};

export const NARRATIVES = [
  'Đã triển khai theo kế hoạch',
  'Đã tổ chức họp triển khai, phân công cán bộ phụ trách',
  'Đang phối hợp với các đơn vị liên quan',
  'Đã hoàn thành khảo sát, đang tổng hợp số liệu',
  'Tiến độ đạt yêu cầu, tiếp tục theo dõi',
];

export const OBSTACLES = [
  'Thiếu kinh phí và nhân lực thực hiện.',
  'Hạ tầng mạng tại thôn vùng sâu chưa ổn định.',
  'Người dân còn e ngại, chưa tích cực tham gia.',
  'Chưa có hướng dẫn chi tiết từ cấp trên.',
];

export const RETURN_COMMENTS = [
  'Đề nghị bổ sung hình ảnh minh chứng và số liệu cụ thể.',
  'Số liệu chưa khớp với báo cáo kỳ trước, đề nghị kiểm tra lại.',
  'Cần nêu rõ nguyên nhân chậm tiến độ và giải pháp khắc phục.',
];
