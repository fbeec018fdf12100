// Practice stats view: draws the model the extension posts (see src/client/practice/stats-model.ts).
// Plain DOM and SVG, no libraries; colors come from the theme through CSS classes (stats.css).
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  const SVG = 'http://www.w3.org/2000/svg';

  /**
   * @param {string} tag
   * @param {Record<string, string | number>} [attributes]
   * @param {(Node | string)[]} [children]
   */
  function h(tag, attributes = {}, children = []) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    for (const child of children) element.append(child);
    return element;
  }

  /**
   * @param {string} tag
   * @param {Record<string, string | number>} [attributes]
   * @param {(Node | string)[]} [children]
   */
  function s(tag, attributes = {}, children = []) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    for (const child of children) element.append(child);
    return element;
  }

  /** @param {string} text */
  function title(text) {
    return s('title', {}, [text]);
  }

  /** @param {number} minutes */
  function minutesText(minutes) {
    if (minutes < 60) return `${minutes} min`;
    const rest = minutes % 60;
    return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
  }

  /** @param {number} count @param {string} one @param {string} [many] */
  function plural(count, one, many) {
    return `${count} ${count === 1 ? one : many ?? `${one}s`}`;
  }

  /** A round scale maximum for an axis, at least `floor`. */
  function niceMax(/** @type {number} */ value, /** @type {number} */ floor) {
    const target = Math.max(value, floor, 1);
    const steps = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600];
    return steps.find((step) => step >= target) ?? Math.ceil(target / 600) * 600;
  }

  /** @param {string} command @param {string} label @param {boolean} [primary] */
  function button(command, label, primary) {
    const element = h('button', { type: 'button', class: primary ? 'primary' : 'secondary' }, [label]);
    element.addEventListener('click', () => vscode.postMessage({ type: 'command', command }));
    return element;
  }

  /**
   * A card with a big number.
   * @param {string} label @param {string} value @param {(Node | string)[]} details @param {string} [tone]
   */
  function card(label, value, details, tone) {
    return h('section', { class: `card ${tone ?? ''}` }, [h('div', { class: 'card-label' }, [label]), h('div', { class: 'card-value' }, [value]), ...details]);
  }

  /**
   * A vertical bar chart with an optional dashed reference line.
   * @param {{ label: string; value: number; tip: string; tone: string; marker?: number; axis?: string }[]} bars
   * @param {{ value: number; label: string } | undefined} reference
   * @param {string} ariaLabel
   * @param {number} width the width the chart is usually drawn at, so its text keeps the font's size
   */
  function barChart(bars, reference, ariaLabel, width) {
    const height = 190;
    const left = 40;
    const right = 12;
    const top = 16;
    const bottom = 28;
    const plotWidth = width - left - right;
    const plotHeight = height - top - bottom;
    const max = niceMax(Math.max(0, ...bars.map((bar) => bar.value)), reference ? reference.value * 1.15 : 0);
    const y = (/** @type {number} */ value) => top + plotHeight - (value / max) * plotHeight;
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': ariaLabel, class: 'chart' });
    for (const fraction of [0, 0.5, 1]) {
      const value = Math.round(max * fraction);
      svg.append(s('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), class: 'grid' }));
      svg.append(s('text', { x: left - 6, y: y(value) + 4, class: 'axis', 'text-anchor': 'end' }, [String(value)]));
    }
    const slot = plotWidth / Math.max(1, bars.length);
    const barWidth = Math.max(2, Math.min(28, slot * 0.68));
    bars.forEach((bar, index) => {
      const x = left + slot * index + (slot - barWidth) / 2;
      const barHeight = Math.max(bar.value > 0 ? 2 : 0, top + plotHeight - y(bar.value));
      const group = s('g', { class: `bar ${bar.tone}` }, [title(bar.tip)]);
      group.append(s('rect', { x: left + slot * index, y: top, width: slot, height: plotHeight, class: 'hit' }));
      if (barHeight > 0) group.append(s('rect', { x, y: top + plotHeight - barHeight, width: barWidth, height: barHeight, rx: 2 }));
      if (bar.marker) {
        group.append(s('circle', { cx: x + barWidth / 2, cy: top + plotHeight - barHeight - 7, r: 3.5, class: 'breach-dot' }));
      }
      svg.append(group);
      if (bar.axis) {
        // The last label would run past the right edge when centred: align it to its bar's end.
        const last = index === bars.length - 1;
        svg.append(s('text', { x: last ? x + barWidth : x + barWidth / 2, y: height - 8, class: 'axis', 'text-anchor': last ? 'end' : 'middle' }, [bar.axis]));
      }
    });
    if (reference && reference.value > 0) {
      const ry = y(reference.value);
      svg.append(s('line', { x1: left, x2: width - right, y1: ry, y2: ry, class: 'reference' }, [title(reference.label)]));
    }
    return svg;
  }

  /** @param {any} model */
  function header(model) {
    const actions = h('div', { class: 'actions' }, [
      model.practising ? button('comprehension.practice.stop', 'Stop Practice', true) : button('comprehension.practice.start', 'Start Practice', true),
      button('comprehension.practice.exportHistory', 'Export History…'),
    ]);
    const status = model.practising ? h('span', { class: 'live' }, ['● practising now']) : '';
    return h('header', {}, [
      h('div', {}, [
        h('h1', {}, ['No-AI Practice']),
        h('p', { class: 'subtitle' }, [`Updated ${model.generatedAt} · ${model.timeZone} `, status]),
      ]),
      actions,
    ]);
  }

  /** @param {any} model */
  function cards(model) {
    const week = model.week;
    const goalText = week.goalMinutes > 0 ? `${week.doneMinutes} / ${week.goalMinutes} min` : minutesText(week.doneMinutes);
    const weekDetails = [];
    if (week.goalMinutes > 0) {
      const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': week.goalMinutes, 'aria-valuenow': week.doneMinutes });
      const fill = h('div', { class: 'progress-fill' });
      fill.style.width = `${Math.min(100, (week.doneMinutes / week.goalMinutes) * 100)}%`;
      const pace = h('div', { class: 'progress-pace', title: `Steady pace: ${week.expectedMinutes} min by now` });
      pace.style.left = `${Math.min(100, (week.expectedMinutes / week.goalMinutes) * 100)}%`;
      progress.append(fill, pace);
      weekDetails.push(progress);
      const source = { policy: ' The goal comes from the team policy.', 'level-2-default': ' Policy level 2 requires practice.' }[week.goalSource] ?? '';
      const paceText = week.met ? 'Goal met — well done.' : week.behind ? `Behind pace: ${week.expectedMinutes} min expected by now.` : 'On pace.';
      weekDetails.push(h('p', { class: 'card-note' }, [`${paceText}${source}`]));
    } else {
      weekDetails.push(h('p', { class: 'card-note', title: 'Set comprehension.practice.weeklyGoalMinutes' }, ['No weekly goal set.']));
    }
    const streak = model.streak;
    const minimum = streak.dailyMinimumMinutes > 0 ? `${streak.dailyMinimumMinutes} min` : 'a little';
    const streakNote = streak.todayMet ? 'Today counts.' : `Practise ${minimum} today to ${streak.current > 0 ? 'keep it' : 'start one'}.`;
    const totals = model.totals;
    const similarity = totals.meanSimilarity === null ? 'no exercises yet' : `mean similarity ${Math.round(totals.meanSimilarity * 100)}%`;
    return h('div', { class: 'cards' }, [
      card(`This week · ${week.label}`, goalText, weekDetails, week.met ? 'good' : week.behind ? 'warn' : ''),
      card('Streak', plural(streak.current, 'day'), [h('p', { class: 'card-note' }, [`Longest ${plural(streak.longest, 'day')}. ${streakNote}`])], streak.todayMet ? 'good' : ''),
      card('AI insertions caught', String(totals.breaches), [h('p', { class: 'card-note' }, [totals.breaches === 0 ? 'None caught — clean sessions.' : 'Caught and flagged in the editor.'])], totals.breaches > 0 ? 'bad' : 'good'),
      card('Exercises', String(totals.exercises), [h('p', { class: 'card-note' }, [`Rewrites from notes; ${similarity}.`])]),
      drillCard(model.drills),
      card('All practice', minutesText(totals.activeMinutes), [h('p', { class: 'card-note' }, [`${plural(totals.sessions, 'session')}, ${totals.typedLines} lines typed by hand.`])]),
    ]);
  }

  /** @param {any} drills */
  function drillCard(drills) {
    if (!drills || drills.total === 0) {
      return card('Debugging drills', '0', [h('p', { class: 'card-note' }, ['In an AI block, run “Comprehension: Start Debugging Drill”.'])]);
    }
    const median = drills.medianDiagnosisSeconds === null ? 'none solved yet' : `median ${secondsText(drills.medianDiagnosisSeconds)} to a correct diagnosis`;
    return card('Debugging drills', `${drills.solved} / ${drills.total} solved`, [h('p', { class: 'card-note' }, [`${median}; ${plural(drills.hintsUsed, 'hint')} taken.`])], drills.solved === drills.total ? 'good' : '');
  }

  /** @param {number} seconds */
  function secondsText(seconds) {
    const whole = Math.round(seconds);
    return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
  }

  /** @param {any} model */
  function drillList(model) {
    const recent = model.drills ? model.drills.recent : [];
    if (!recent.length) return h('p', { class: 'empty' }, ['No debugging drills yet.']);
    const outcomes = { solved: ['Solved', 'good'], 'given-up': ['Given up', 'warn'], abandoned: ['Abandoned', 'bad'] };
    return h('table', {}, [
      h('thead', {}, [h('tr', {}, [h('th', {}, ['File']), h('th', {}, ['Bug']), h('th', {}, ['Outcome']), h('th', {}, ['Time to diagnosis']), h('th', {}, ['Hints']), h('th', {}, ['When'])])]),
      h(
        'tbody',
        {},
        recent.map((/** @type {any} */ d) => {
          const [label, tone] = outcomes[d.outcome] ?? [d.outcome, ''];
          return h('tr', {}, [
            h('td', { class: 'mono', title: d.failingTests.join(', ') }, [d.file]),
            h('td', {}, [d.kind]),
            h('td', {}, [h('span', { class: `tag ${tone}` }, [label])]),
            h('td', {}, [d.diagnosis ?? '—']),
            h('td', {}, [String(d.hintsUsed)]),
            h('td', {}, [d.when]),
          ]);
        }),
      ),
    ]);
  }

  /** @param {any} model */
  function dailyChart(model) {
    const minimum = model.streak.dailyMinimumMinutes;
    const bars = model.days.map((/** @type {any} */ day, /** @type {number} */ index) => ({
      label: day.day,
      value: day.minutes,
      tone: day.day === model.today ? 'today' : day.qualifies ? 'met' : 'short',
      marker: day.breaches > 0 ? day.breaches : 0,
      axis: index % 7 === 0 || day.day === model.today ? `${day.weekday} ${day.day.slice(5)}` : '',
      tip: `${day.day}: ${minutesText(day.minutes)}${day.breaches ? `, ${plural(day.breaches, 'AI insertion')}` : ''}${day.exercises ? `, ${plural(day.exercises, 'exercise')}` : ''}`,
    }));
    const items = [
      ['met', 'met the daily minimum'],
      ['short', 'below it'],
      ['today', 'today'],
      ['breach-dot', 'AI insertion'],
    ];
    if (minimum > 0) items.push(['reference', `daily minimum ${minimum} min`]);
    return h('section', { class: 'panel' }, [
      h('h2', {}, ['Practice per day ', h('span', { class: 'hint' }, ['last 28 days, minutes'])]),
      barChart(bars, minimum > 0 ? { value: minimum, label: `daily minimum ${minimum} min` } : undefined, 'Minutes of practice per day', 640),
      legend(/** @type {[string, string][]} */ (items)),
    ]);
  }

  /** @param {any} model */
  function weeklyChart(model) {
    const goal = model.week.goalMinutes;
    const bars = model.weeks.map((/** @type {any} */ week, /** @type {number} */ index) => ({
      label: week.label,
      value: week.minutes,
      tone: index === model.weeks.length - 1 ? 'today' : week.goalMet || goal === 0 ? 'met' : 'short',
      axis: index % 2 === 1 || index === model.weeks.length - 1 ? week.label.slice(5) : '',
      tip: `${week.label} (from ${week.monday}): ${minutesText(week.minutes)}${goal > 0 ? ` of ${goal}` : ''}`,
    }));
    /** @type {[string, string][]} */
    const items = goal > 0 ? [['met', 'goal met'], ['short', 'below the goal'], ['today', 'this week'], ['reference', `weekly goal ${goal} min`]] : [['met', 'week'], ['today', 'this week']];
    return h('section', { class: 'panel' }, [
      h('h2', {}, ['Practice per week ', h('span', { class: 'hint' }, ['last 12 ISO weeks, minutes'])]),
      barChart(bars, goal > 0 ? { value: goal, label: `weekly goal ${goal} min` } : undefined, 'Minutes of practice per week', 420),
      legend(items),
    ]);
  }

  /** @param {[string, string][]} items */
  function legend(items) {
    return h(
      'div',
      { class: 'legend' },
      items.map(([tone, label]) => h('span', {}, [h('i', { class: `swatch ${tone}` }), label])),
    );
  }

  /** @param {any} model */
  function lists(model) {
    const breaches = model.recentBreaches.length
      ? h('table', {}, [
          h('thead', {}, [h('tr', {}, [h('th', {}, ['Where']), h('th', {}, ['Source']), h('th', {}, ['When'])])]),
          h('tbody', {}, model.recentBreaches.map((/** @type {any} */ b) => h('tr', {}, [h('td', { class: 'mono' }, [`${b.file}:${b.line}`]), h('td', {}, [h('span', { class: 'tag bad' }, [b.source])]), h('td', {}, [b.when])]))),
        ])
      : h('p', { class: 'empty' }, ['No AI insertions caught during practice.']);
    const exercises = model.recentExercises.length
      ? h('table', {}, [
          h('thead', {}, [h('tr', {}, [h('th', {}, ['Block']), h('th', {}, ['Similarity']), h('th', {}, ['Time']), h('th', {}, ['When'])])]),
          h(
            'tbody',
            {},
            model.recentExercises.map((/** @type {any} */ e) => {
              const meter = h('div', { class: 'meter' });
              const fill = h('div', { class: 'meter-fill' });
              fill.style.width = `${Math.round(e.similarity * 100)}%`;
              meter.append(fill);
              return h('tr', {}, [
                h('td', { class: 'mono' }, [e.file]),
                h('td', {}, [h('div', { class: 'similarity' }, [meter, `${Math.round(e.similarity * 100)}%`])]),
                h('td', {}, [e.durationSeconds < 60 ? `${e.durationSeconds} s` : minutesText(Math.round(e.durationSeconds / 60))]),
                h('td', {}, [e.when]),
              ]);
            }),
          ),
        ])
      : h('p', { class: 'empty' }, ['No exercises yet. In an AI block with a finished note, run “Comprehension: Rewrite from Your Note”.']);
    return h('div', { class: 'columns' }, [
      h('section', { class: 'panel' }, [h('h2', {}, ['Recent AI insertions during practice']), breaches]),
      h('section', { class: 'panel' }, [h('h2', {}, ['Recent exercises']), exercises]),
      h('section', { class: 'panel drills' }, [h('h2', {}, ['Recent debugging drills']), drillList(model)]),
    ]);
  }

  /** @param {any} model */
  function render(model) {
    app.replaceChildren(header(model), cards(model), h('div', { class: 'charts' }, [dailyChart(model), weeklyChart(model)]), lists(model));
    vscode.postMessage({ type: 'rendered' });
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'model') {
      vscode.setState({ model: message.model });
      render(message.model);
    }
  });
  const saved = vscode.getState();
  if (saved && saved.model) render(saved.model);
  vscode.postMessage({ type: 'ready' });
})();
