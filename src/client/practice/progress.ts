import * as vscode from 'vscode';
import {
  addDays,
  dailySeries,
  dayKeyOf,
  loadHistory,
  resolveWeeklyGoal,
  streaks,
  weekProgress,
  type PracticeHistory,
  type StreakInfo,
  type WeeklyGoal,
  type WeekProgress,
} from '../../core/practice';
import { defaultPolicy, type Policy } from '../../core/policy/policy';
import { Config } from '../config';
import { readWorkspacePolicy } from '../../core/practice/policy';
import { buildStatsModel, type StatsModel } from '../../core/practice/stats-model';

/** Goals in force and where the user stands, from the history at one moment. */
export interface ProgressSnapshot {
  goal: WeeklyGoal;
  dailyMinimumMinutes: number;
  progress: WeekProgress;
  streak: StreakInfo;
  history: PracticeHistory;
  policy: Policy;
}

/** How far back streaks are counted for the status tooltip (the stats view counts from the first session). */
const STREAK_WINDOW_DAYS = 366;

/**
 * Reads the goals (settings, then the workspace policy: level 2 requires a weekly goal) and the
 * history, and works out this week's progress and the streak.
 */
export class PracticeProgress {
  constructor(
    private readonly historyPath: string,
    private readonly timeZone: string,
    private readonly config: Config = new Config(),
  ) {}

  /** The policy of the first workspace folder (defaults without a folder). */
  async policy(): Promise<Policy> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return defaultPolicy();
    return readWorkspacePolicy(folder.uri.fsPath);
  }

  async snapshot(now: number): Promise<ProgressSnapshot> {
    const settings = this.config.practice;
    const policy = await this.policy();
    const goal = resolveWeeklyGoal({
      settingMinutes: settings.weeklyGoalMinutes,
      policyLevel: policy.level,
      policyWeeklyGoalMinutes: policy.practice.weeklyGoalMinutes,
    });
    const dailyMinimumMinutes = settings.dailyMinimumMinutes > 0 ? settings.dailyMinimumMinutes : policy.practice.dailyMinimumMinutes;
    const history = (await loadHistory(this.historyPath, now)).history;
    const today = dayKeyOf(now, this.timeZone);
    const series = dailySeries(history, addDays(today, -(STREAK_WINDOW_DAYS - 1)), today, this.timeZone);
    return {
      goal,
      dailyMinimumMinutes,
      progress: weekProgress(series, goal.minutes, now, this.timeZone),
      streak: streaks(series, dailyMinimumMinutes, now, this.timeZone),
      history,
      policy,
    };
  }

  /** The stats view's model. */
  async stats(now: number, practising: boolean): Promise<StatsModel> {
    const snapshot = await this.snapshot(now);
    return buildStatsModel({
      history: snapshot.history,
      now,
      timeZone: this.timeZone,
      goal: snapshot.goal,
      dailyMinimumMinutes: snapshot.dailyMinimumMinutes,
      practising,
    });
  }
}
