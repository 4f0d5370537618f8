// A sample 工作总结 (summary report) in the JSON form of `xinfang render`, for the
// document tests (tests/api/documents.test.js) and the bench (bench/document/run).
// summary({ timelineRows }) grows the timeline table to make long documents; run as a
// script it prints the document: `node tests/lib/document-fixture.js [ROWS]`.
'use strict';

const HASH = (i) => (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8);

function summary({ timelineRows = 12, watermark = null, number = '〔2026〕15号' } = {}) {
  const workstreams = ['事态控制', '教育引导', '协调联络'];
  const timeline = [];
  for (let i = 0; i < timelineRows; i++) {
    const minute = (i * 7) % 60, hour = 8 + Math.floor((i * 7) / 60);
    timeline.push([
      String(i + 1),
      `12月5日 ${String(hour % 24).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
      workstreams[i % 3],
      i % 4 === 0
        ? `现场工作组向上访职工宣讲政策，逐一登记诉求，第${i + 1}批次人员情绪趋于稳定，已安排车辆劝返。`
        : `包保责任人与第${i + 1}号信访人面谈，说明养老保险补缴政策。`,
      i % 2 ? '张建国' : '李红梅',
    ]);
  }
  return {
    title: '关于“23名退休职工到集团公司门前聚集”事件处置情况的工作总结',
    issuer: '红旗煤矿信访办公室',
    number,
    date: '2026年12月6日',
    recipient: '集团公司信访办公室',
    ...(watermark ? { watermark } : {}),
    meta: [
      ['事件编号', 'XF-2026-0042'],
      ['版本', '第1版（代替草稿）'],
      ['签发时间', '2026年12月6日 09:30'],
      ['签发人', '王志强'],
      ['审计链头', 'a3f5c9e1d2b4a6c8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3'],
    ],
    sections: [
      {
        heading: '基本情况',
        blocks: [
          '2026年12月5日8时10分，我矿23名退休职工因养老保险补缴问题，到集团公司大门前聚集，要求面见集团公司负责人。接报后，矿信访工作领导小组立即启动《信访突发事件应急预案》，按二级响应处置。',
          {
            type: 'kv',
            items: [
              ['发生时间', '2026年12月5日 8:10'],
              ['发生地点', '集团公司大门前（人民路88号）'],
              ['涉及人数', '23人'],
              ['主要诉求', '“我们干了一辈子，养老保险补缴的钱应该由矿里出。”'],
            ],
          },
        ],
      },
      {
        heading: '处置经过',
        blocks: [
          '事件处置按事态控制、教育引导、协调联络三个工作组分头开展，主要时间节点如下：',
          {
            type: 'table',
            columns: 5,
            widths: [1.4, 3, 2.2, 8, 2],
            header: [['序号', '时间', '工作组', '工作内容', '责任人']],
            rows: timeline,
          },
        ],
      },
      { heading: '事态控制', level: 2, blocks: ['现场工作组8时40分到达，划定接待区域，疏导交通，未发生肢体冲突。'] },
      { heading: '教育引导', level: 2, blocks: ['逐人登记诉求，宣讲国家和省养老保险政策，发放政策解读材料23份。'] },
      { heading: '协调联络', level: 2, blocks: ['与集团公司信访办公室、人力资源部、社保中心保持联络，约定12月8日前书面答复。'] },
      {
        heading: '主要做法',
        blocks: ['一是领导带队，第一时间到达现场；二是包保到人，每名信访人明确一名包保责任人；三是依法答复，政策讲透、道理讲明。'],
      },
      { heading: '存在问题', blocks: ['前期矛盾排查不细，对退休职工群体的诉求掌握不及时；首报时限超出规定15分钟。'] },
      {
        heading: '综合评价',
        blocks: [
          {
            type: 'table',
            columns: 3,
            widths: [2, 1, 5],
            header: [['评价项目', '评分', '说明']],
            rows: [
              ['反应速度', '4', '接报至启动预案12分钟，到达现场30分钟。'],
              ['处置措施', '5', '三个工作组分工明确。'],
              ['稳控效果', '4', '当日全部劝返，无越级上访。'],
              ['化解结果', '3', '2件事项已答复，1件待社保中心核定。'],
              ['协同配合', '5', '与集团公司各部门配合顺畅。'],
            ],
          },
        ],
      },
      { heading: '经验教训', blocks: ['群体性诉求须早发现、早介入；政策解释要有书面材料。'] },
      { heading: '下一步工作', blocks: ['继续做好包保稳控，12月8日前完成书面答复，跟踪满意度。'] },
      {
        heading: '记录清单',
        attachment: true,
        blocks: [
          {
            type: 'table',
            columns: 4,
            widths: [3, 1.4, 2.6, 6],
            header: [['名称', '类型', '时间', 'SHA-256']],
            rows: [
              ['现场照片（大门前）', '照片', '12月5日 8:45', HASH(1)],
              ['与刘某某谈话记录', '谈话记录', '12月5日 10:20', HASH(2)],
              ['现场录音', '录音', '12月5日 9:05', HASH(3)],
            ],
          },
        ],
      },
    ],
  };
}

module.exports = { summary };

if (require.main === module) {
  const rows = Number(process.argv[2] || 12);
  process.stdout.write(JSON.stringify(summary({ timelineRows: rows }), null, 1));
}
