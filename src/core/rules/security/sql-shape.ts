/** Text that reads as SQL once the unknown parts are replaced by `?`. */
export const SQL_SHAPE =
  /\bselect\b[\s\S]*?\bfrom\b|\binsert\s+(?:or\s+\w+\s+)?into\b|\bupdate\b[\s\S]*?\bset\b|\bdelete\s+from\b|\breplace\s+into\b|\bmerge\s+into\b|\b(?:create|drop|alter|truncate)\s+(?:table|index|view|database|schema)\b|\bwhere\b[\s\S]*?(?:=|<|>|\blike\b|\bin\b)/i;
