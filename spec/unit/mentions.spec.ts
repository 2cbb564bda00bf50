import { expect } from 'chai';
import { mentionList } from '../../lib/messages/mentions.js';

const GROUP = '120363025246125486@g.us';
const PARTICIPANTS = ['5511999990001@s.whatsapp.net', '5511999990002@s.whatsapp.net', '123456789012345@lid'];

describe('mentionList', () => {
  it('mentions every participant of a group for mentionsEveryOne', () => {
    expect(mentionList({ chat: GROUP, everyOne: true, participants: PARTICIPANTS })).to.deep.equal(PARTICIPANTS);
  });

  it('adds the numbers named besides everyone once each', () => {
    const list = mentionList({ chat: GROUP, everyOne: true, participants: PARTICIPANTS, mentioned: ['+55 11 99999-0001', '5511999990009'] });
    expect(list).to.deep.equal([...PARTICIPANTS, '5511999990009@s.whatsapp.net']);
  });

  it('adds nobody for everyone in a chat with one person', () => {
    expect(mentionList({ chat: '5511999990001@s.whatsapp.net', everyOne: true })).to.equal(undefined);
  });

  it('turns the numbers named into jids, without groups or repeats', () => {
    const list = mentionList({ chat: '5511999990001@s.whatsapp.net', mentioned: ['5511999990002', '5511999990002@s.whatsapp.net', GROUP] });
    expect(list).to.deep.equal(['5511999990002@s.whatsapp.net']);
  });

  it('mentions nobody when nothing is asked', () => {
    expect(mentionList({ chat: GROUP })).to.equal(undefined);
    expect(mentionList({ chat: GROUP, mentioned: [] })).to.equal(undefined);
  });
});
